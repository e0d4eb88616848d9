"""How a build fails: one error carrying one line per problem, each naming its file."""

from __future__ import annotations


class BuildFailed(Exception):
    """The build found problems; `problems` holds one line for each."""

    exitcode = 1

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}:\n" + "\n".join(self.problems))
