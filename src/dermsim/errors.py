"""One error root for dermsim; the CLI shows any of them as one line and exits 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class DermsimError(Exception):
    """Root of every error dermsim raises on purpose (bad input, impossible request)."""


class InputError(DermsimError, ValueError):
    """A user-supplied value is invalid.

    The message names the field, the value given and what is allowed, and, for names, the closest
    matches, so one line is enough to fix the input.
    """

    def __init__(self, field: str, value: object, allowed: str, choices: Iterable[str] | None = None,
                 *, problem: str | None = None):
        self.field, self.value, self.allowed = field, value, allowed
        hint = ""
        if choices is not None and isinstance(value, str):
            close = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
            if close:
                hint = f" (did you mean {', '.join(repr(c) for c in close)}?)"
        what = problem if problem is not None else f"got {value!r}"
        super().__init__(f"{field}: {what}; allowed: {allowed}{hint}")

    def prefixed(self, prefix: str) -> "InputError":
        """The same error with its field named inside ``prefix`` (e.g. "microneedle"), message kept whole."""
        out = InputError.__new__(InputError)
        out.field, out.value, out.allowed = f"{prefix}.{self.field}", self.value, self.allowed
        out.args = (f"{prefix}.{self.args[0]}",)
        return out


class ResultCheckError(DermsimError):
    """A run failed its own checks (a non-finite value, a negative amount, a mass balance that does not close):
    nothing is written; the CLI shows the one-line message (the figure and the remedy) and exits with code 3."""
