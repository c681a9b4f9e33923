"""Typed errors raised by the PB counting engine.

Every error carries a machine ``code`` (e.g. ``"pb.unknown_project"``) and plain parameters
(``line``, ``field``, ``project`` …) so that the web layer can show a translated message.
``str(error)`` is an English fallback for logs and the command line.
"""

from __future__ import annotations

from typing import Any


class RulesError(Exception):
    """Base class: ``code`` identifies the problem, ``params`` holds its details."""

    code: str = "rules.error"

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form: ``{"error": code, "message": ..., **params}``."""
        out: dict[str, Any] = {"error": self.code, "message": self.message}
        for key, value in self.params.items():
            out[key] = value if isinstance(value, (int, str, list, type(None))) else str(value)
        return out


class PbFormatError(RulesError):
    """A .pb file (or an in-memory election) is malformed or breaks a pabulib rule.

    ``line`` is the 1-based line number in the file (``None`` for in-memory elections),
    ``field`` the column or META key concerned.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        where = f"line {line}: " if line is not None else ""
        what = f"[{field}] " if field else ""
        super().__init__(code, f"{where}{what}{message}", line=line, field=field, **params)
        self.line = line
        self.field = field


class VariantError(RulesError):
    """An unknown rule variant, or a variant that does not apply to this ballot type."""


class TieRefused(RulesError):
    """The tie rule is ``refuse`` and projects tied exactly; ``tied`` lists their ids."""

    def __init__(self, tied: list[str], stage: str) -> None:
        super().__init__(
            "count.tie_refused",
            f"exact tie between projects {', '.join(tied)} ({stage}); no tie rule allowed",
            tied=list(tied),
            stage=stage,
        )
        self.tied = list(tied)
