"""`newsdigest publish`: build for the site's address (publishconf.py) and deploy it."""

from __future__ import annotations

import sys

from newsdigest.cli import options
from newsdigest.cli.build import build_site
from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK


def add_parser(commands) -> None:
    publish = commands.add_parser("publish", help="build for the site's address (publishconf.py) and deploy it")
    options.add_build_options(publish, settings="publishconf.py")
    publish.add_argument(
        "--to",
        metavar="TARGET",
        help=f"a folder, user@host:path (rsync) or {'gh-pages'} (default: DEPLOY_TO in the settings; none: build only)",
    )
    publish.add_argument("--no-push", action="store_true", help="gh-pages: commit the branch, do not push it")
    publish.set_defaults(run=run)


def run(args) -> int:
    from pathlib import Path

    from newsdigest.build.run import load_settings
    from newsdigest.content.drafts import PUBLISHING
    from newsdigest.deploy import targets
    from newsdigest.site.addresses.siteurl import unpublishable

    settings = load_settings(args.settings, args.content, args.output)
    problem = unpublishable(settings.get("SITEURL"))
    if problem is None and settings.get("RELATIVE_URLS"):
        problem = "RELATIVE_URLS is on: these settings build a preview for the disk"
    if problem:
        print(
            f"newsdigest publish: {problem}; refusing to publish. Set the site's address in {args.settings} "
            "(publishconf.py reads NEWSDIGEST_SITEURL: NEWSDIGEST_SITEURL=https://your.site newsdigest publish)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    where = args.to or settings.get("DEPLOY_TO") or ""
    target = targets.target(where) if where else None
    try:
        if target is not None and target.kind == "folder":
            own = [Path(settings[name]) for name in ("PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME")]
            targets.check_folder(Path(target.where), Path.cwd(), own)
    except targets.DeployError as error:
        print(f"newsdigest publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    result = build_site(args, args.settings, {PUBLISHING: True})  # a story with nothing to read fails it
    if isinstance(result, int):
        return result
    if target is None:
        print(f"built for {settings['SITEURL']}; deploy {result.output}/ (or give --to, or DEPLOY_TO in the settings)")
        return EXIT_OK
    site = result.output.resolve()  # the live generation, which no build changes while it is copied
    try:
        if target.kind == targets.GH_PAGES:
            done = targets.gh_pages(
                site, settings["SITEURL"], Path.cwd(), push=not args.no_push, message=f"Publish {settings['SITEURL']}"
            )
        elif target.kind == "folder":
            done = targets.rsync_to_folder(site, Path(target.where))
        else:
            done = targets.rsync_to_server(site, target.where)
    except targets.DeployError as error:
        print(f"newsdigest publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    counts = f"{done.sent} files sent" if done.sent is not None else done.detail
    if done.deleted is not None:
        counts += f", {done.deleted} deleted"
    print(f"published {settings['SITEURL']} to {target}: {counts}")
    announce_feeds(settings, site, str(target))
    return EXIT_OK


def announce_feeds(settings, site, target: str) -> None:
    """WebSub: ping the hub for each feed this deploy changed; a failure is reported, never fatal."""
    from pathlib import Path

    from newsdigest.deploy import websub
    from newsdigest.site import feed_settings, feeds

    hub = feed_settings.Settings.from_settings(settings).hub
    if not hub:
        return
    record = Path(settings.get("CACHE_PATH") or ".cache") / websub.RECORD
    pinged = websub.announce(site, feeds.feed_siteurl(settings), hub, record, target)
    failed = {url for url, _ in pinged.failed}
    told = len(pinged.changed) - len(failed & set(pinged.changed))
    print(f"WebSub: {len(pinged.changed)} feeds changed; told {hub} of {told}")
    for url, why in pinged.failed:
        print(
            f"newsdigest publish: WebSub: {url or hub}: {why} (the deploy stands; the next publish tries again)",
            file=sys.stderr,
        )
