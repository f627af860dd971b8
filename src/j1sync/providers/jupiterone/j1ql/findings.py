"""What checking one query found: problems (certainly broken) or warnings (doubtful),
each at offsets of the query text, and the `${ param.X }` parameters it names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    start: int  # offset in the query text
    end: int


@dataclass(frozen=True)
class ParameterUse:
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class QueryCheck:
    findings: tuple[Finding, ...]
    parameters: tuple[ParameterUse, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")
