"""Values a policy could not judge because they are computed during the deployment.

A policy that meets such a value records it with ``not_checked`` and carries on with what it can
judge. When the policy returns, the gaps are raised as one ``UnknownValueError``: pulumi-policy turns
that into an advisory diagnostic of the policy ("can't run policy ... during preview: not checked:
unknown until deploy: ..."), so a preview says which checks are still open instead of passing them.
Findings the policy reported before that stay as they are. A wrapper that runs a policy's validate
on more resources (such as the awsx stand-ins) wraps its own validate in ``reporting_gaps`` too, so
the gaps are raised once, after all of it has run.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Final, TypeVar

from pulumi_policy import ReportViolation
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

NOT_CHECKED: Final = "not checked: unknown until deploy"

_gaps: ContextVar[list[str] | None] = ContextVar("secure_ecs_preview_gaps", default=None)

Args = TypeVar("Args")


class NotCheckedUntilDeployError(UnknownValueError):
    """The pack's own wording for the values a policy left unjudged."""

    def __init__(self, gaps: list[str]) -> None:
        super().__init__(UNKNOWN_STRING_VALUE, [])
        self.message = f"{NOT_CHECKED}: {'; '.join(dict.fromkeys(gaps))}"


def not_checked(what: str) -> None:
    """Record that ``what`` (a property path, with the resource for stack policies) could not be judged."""
    gaps = _gaps.get()
    if gaps is not None:
        gaps.append(what)


def reporting_gaps(validate: Callable[[Args, ReportViolation], Any]) -> Callable[[Args, ReportViolation], None]:
    """``validate``, raising the gaps it recorded once it has reported its findings."""

    def run(args: Args, report: ReportViolation) -> None:
        if _gaps.get() is not None:
            # Called from inside another collecting validation (e.g. a wrapper judging more resources):
            # the outermost one raises, after everything it runs has reported.
            validate(args, report)
            return
        token = _gaps.set([])
        try:
            validate(args, report)
            gaps = _gaps.get() or []
        finally:
            _gaps.reset(token)
        if gaps:
            raise NotCheckedUntilDeployError(gaps)

    return run
