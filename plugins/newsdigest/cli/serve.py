"""`newsdigest serve`: serve the site locally and rebuild on change."""

from __future__ import annotations

from newsdigest.cli import options


def add_parser(commands) -> None:
    serve = commands.add_parser("serve", help="serve the site locally and rebuild on change")
    options.add_site_options(serve)
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=run)


def run(args) -> int:
    from newsdigest.serve.server import serve

    return serve(args.settings, content=args.content, output=args.output, host=args.bind, port=args.port)
