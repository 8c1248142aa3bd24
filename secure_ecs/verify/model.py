"""What a check returns, and the small builder every check uses to reach its verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    """The check could not finish (an API call was refused or failed); no verdict."""
    SKIPPED = "skipped"
    """Not run: skipped with --skip, or the stack has nothing to check (no database)."""


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    evidence: tuple[str, ...]
    """What was looked at and found, one line each, problems first."""
    remediation: str
    """How to fix it; shown only when the status is not `pass`."""


@dataclass
class Verdict:
    """Collects findings while a check runs; the worst finding decides the status."""

    id: str
    title: str
    remediation: str
    _failures: list[str] = field(default_factory=list)
    _warnings: list[str] = field(default_factory=list)
    _observations: list[str] = field(default_factory=list)

    def ok(self, line: str) -> None:
        self._observations.append(line)

    def warn(self, line: str) -> None:
        self._warnings.append(f"WARN: {line}")

    def fail(self, line: str) -> None:
        self._failures.append(f"FAIL: {line}")

    def check(self, condition: bool, good: str, bad: str) -> None:
        """Record `good` when the condition holds, else a failure `bad`."""
        if condition:
            self.ok(good)
        else:
            self.fail(bad)

    def result(self) -> CheckResult:
        status = Status.FAIL if self._failures else Status.WARN if self._warnings else Status.PASS
        evidence = (*self._failures, *self._warnings, *self._observations)
        return CheckResult(self.id, self.title, status, evidence, self.remediation)


def skipped(check_id: str, title: str, reason: str) -> CheckResult:
    return CheckResult(check_id, title, Status.SKIPPED, (reason,), "")
