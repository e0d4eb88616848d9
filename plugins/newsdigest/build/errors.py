"""How a build fails: one error carrying one line per problem, each naming its file."""

from __future__ import annotations

import os

from newsdigest.paths import display_path


class BuildFailed(Exception):
    """The build found problems; `problems` holds one line for each."""

    exitcode = 1

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}:\n" + "\n".join(self.problems))


def unexpected_problem(error: BaseException, where: str = "build") -> str:
    """The one line for an error no check foresaw: `<file>: <type>: <message>`, naming the
    file the error names (an OSError's, a SyntaxError's), else `where`."""
    filename = getattr(error, "filename", None)
    if isinstance(filename, (str, os.PathLike)) and os.fspath(filename):
        where = display_path(filename)
    message = str(error).strip().splitlines()
    return f"{where}: {type(error).__name__}: {message[0]}" if message else f"{where}: {type(error).__name__}"
