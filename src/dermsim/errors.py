"""One error root for dermsim; the CLI shows any of them as one line and exits 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggestions(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to ``value``, case-insensitively: exact matches but for case first, then close
    spellings (difflib), then names containing it (``human`` → ``human-interfollicular``)."""
    by_lower: dict[str, str] = {}
    for choice in choices:
        by_lower.setdefault(str(choice).lower(), str(choice))
    key = value.strip().lower()
    if key in by_lower:
        return [by_lower[key]]
    close = [by_lower[c] for c in difflib.get_close_matches(key, list(by_lower), n=n, cutoff=0.6)]
    if len(key) >= 3:
        close += [c for low, c in by_lower.items() if key in low and c not in close]
    return close[:n]


def _shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, shortened in the middle when longer than ``limit`` (400 nines are not worth a screen)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit // 2]}…{text[-10:]} ({len(str(value))} characters)"


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
            close = suggestions(value, choices)
            if close:
                hint = f" (did you mean {', '.join(repr(c) for c in close)}?)"
        what = problem if problem is not None else f"got {_shown(value)}"
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
