"""The one exception users of mlworth-xl meet: :class:`InputError`.

Every refusal of user input names the field, where it was (file, row, cell)
and what is allowed.  Several problems of one input are reported together,
so a user fixes a file in one go rather than one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass

#: At most this many problems are listed in one error message.
MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value.

    Parameters
    ----------
    field : str
        The field's name, as the user wrote it (``tuition_per_year``).
    message : str
        What is wrong and what is allowed.
    row : int or None
        1-based data row (spreadsheet rows count the header, so the first
        data row of a CSV is row 2); None for a single record.
    source : str or None
        The file (or other origin) the value came from.
    """

    field: str
    message: str
    row: int | None = None
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.row is not None:
            where.append(f"row {self.row}")
        prefix = ", ".join(where)
        return (
            f"{prefix}: {self.field}: {self.message}"
            if prefix
            else (f"{self.field}: {self.message}")
        )


class InputError(ValueError):
    """Input that mlworth-xl refuses, with every problem found.

    ``str(error)`` is one line: the first problem, and how many more there
    are.  ``error.problems`` holds all of them.
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = list(problems)
        super().__init__(self.summary())

    @classmethod
    def single(
        cls, field: str, message: str, *, row: int | None = None, source: str | None = None
    ) -> InputError:
        """Build an error with one problem."""
        return cls(Problem(field, message, row, source))

    def summary(self) -> str:
        """All problems on one line (the first few, then a count of the rest)."""
        shown = self.problems[:MAX_LISTED_PROBLEMS]
        text = "; ".join(str(p) for p in shown)
        rest = len(self.problems) - len(shown)
        if rest > 0:
            text += f"; and {rest} more problem{'s' if rest > 1 else ''}"
        return text
