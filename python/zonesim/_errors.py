"""The exceptions zonesim raises."""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Sequence, Tuple

__all__ = ["FitError", "Problem", "RunError", "ScenarioError", "ZonesimError"]


class Problem(NamedTuple):
    """One problem of a scenario: its line (when known), field and message."""

    line: Optional[int]
    """1-based line in the file, or ``None`` (a dict, or a line not found)."""
    field: str
    """Path of the offending field, e.g. ``deployment[0] "pair".replicas[1]``."""
    message: str
    """What is wrong, naming the offending value."""


class ZonesimError(Exception):
    """Base class of zonesim's own exceptions."""


class ScenarioError(ZonesimError, ValueError):
    """A scenario (file, text or dict) that cannot be read or is not a valid study.

    ``str(err)`` is the message the ``zonesim`` command line prints after
    ``error:``. ``path``, ``line``, ``column`` and ``field`` locate the first
    problem (``None`` where unknown: a dict has no lines); ``problems`` lists
    every problem found, each a :class:`Problem`.
    """

    path: Optional[str]
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    problems: List[Problem]

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        field: Optional[str] = None,
        problems: Sequence[Tuple[Optional[int], str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        self.problems = [Problem(*p) for p in problems]


class RunError(ZonesimError, RuntimeError):
    """A valid study that could not run or complete.

    ``kind`` says why: ``"too_large"`` (refused before running: too much work
    or memory), ``"too_many_intervals"``, ``"estimator"`` (importance
    sampling failed), ``"thread_pool"`` or ``"other"``.
    """

    kind: str

    def __init__(self, message: str, *, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class FitError(ZonesimError, ValueError):
    """An incident log that cannot be read or fitted (``zonesim.fit``).

    ``str(err)`` is the message the ``zonesim fit`` command line prints
    after ``error:``, e.g. ``log.csv:7: end: ...``. ``path`` is the log's
    file (``<rows>`` for rows), ``line`` (1-based) and ``field`` (the
    column: ``zone``, ``start``, ``end``, or ``row``) locate a bad row and
    are ``None`` for a problem of the whole log (no outage, a family that
    cannot be fitted).
    """

    path: Optional[str]
    line: Optional[int]
    field: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        line: Optional[int] = None,
        field: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.field = field


# Shown as zonesim.ScenarioError (not zonesim._errors.ScenarioError) in tracebacks.
for _cls in (Problem, ZonesimError, ScenarioError, RunError, FitError):
    _cls.__module__ = "zonesim"
del _cls
