"""Typed errors raised by the sampling package.

Every error carries a machine-readable ``code`` and its parameters so that the web layer (and the
command line) can turn it into a translated, human message without parsing English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class SamplingError(Exception):
    """Base class: ``code`` names the problem, ``params`` carries its details."""

    code = "sampling.error"

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.params: dict[str, Any] = params

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: ``{"error": code, "message": ..., **params}``."""
        out: dict[str, Any] = {"error": self.code, "message": self.message}
        for key, value in self.params.items():
            out[key] = _jsonable(value)
        return out


def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input file, located by file, row (1-based, header = 1) and column."""

    code: str
    file: str
    row: int | None
    column: str | None
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            **{k: _jsonable(v) for k, v in self.params.items()},
        }

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class InputError(SamplingError):
    """One or more problems in the input files; ``problems`` lists all of them."""

    def __init__(self, problems: list[InputProblem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        text = "; ".join(str(p) for p in problems[:5]) + more
        super().__init__(text, code=first.code, problems=problems)
        self.problems = problems


@dataclass(frozen=True)
class QuotaBound:
    """One side of one quota: ``category=value min|max bound``."""

    category: str
    value: str
    side: str  # "min" or "max"
    bound: int
    available: int  # volunteers in the pool with this value

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "value": self.value,
            "side": self.side,
            "bound": self.bound,
            "available": self.available,
        }

    def __str__(self) -> str:
        return f"{self.category}={self.value} {self.side} {self.bound}"


@dataclass(frozen=True)
class Relaxation:
    """A proposed change of one quota bound (``side`` is "min" or "max")."""

    category: str
    value: str
    side: str
    current: int
    proposed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "value": self.value,
            "side": self.side,
            "from": self.current,
            "to": self.proposed,
        }

    def __str__(self) -> str:
        return f"{self.category}={self.value} {self.side} {self.current} -> {self.proposed}"


class QuotaInfeasible(SamplingError):
    """No panel meets all quotas; names a minimal conflicting set and the smallest relaxation."""

    code = "quota.infeasible"

    def __init__(
        self,
        message: str,
        *,
        conflicting: list[QuotaBound],
        relaxation: list[Relaxation] | None,
        panel_size: int,
        code: str | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            conflicting=conflicting,
            relaxation=relaxation,
            panel_size=panel_size,
        )
        self.conflicting = conflicting
        self.relaxation = relaxation
        self.panel_size = panel_size


class SolverError(SamplingError):
    """The LP/MILP solver failed (numerical trouble or a time limit)."""

    code = "solver.failed"


class LotteryError(SamplingError):
    """A committed lottery does not match its inputs, or a draw request is invalid."""

    code = "lottery.invalid"
