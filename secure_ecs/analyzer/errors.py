"""Errors raised while starting or talking to a policy pack."""

from __future__ import annotations

from secure_ecs.time_limits import TimeLimitError


class AnalyzerError(Exception):
    """Base class: something went wrong running a policy pack."""


class PackStartError(AnalyzerError):
    """The pack process did not start or did not announce its port; the message carries its stderr tail."""


class AnalyzerCallError(AnalyzerError):
    """An analyzer RPC failed or timed out (e.g. a policy raised inside the pack)."""

    def __init__(self, method: str, detail: str, stderr_tail: str = "") -> None:
        message = f"{method} failed: {detail}"
        if stderr_tail:
            message += f"\n--- pack stderr (last lines) ---\n{stderr_tail}"
        super().__init__(message)
        self.method = method
        self.detail = detail


class PolicyConfigError(AnalyzerError):
    """A policy config (file) names an unknown policy, property or enforcement level."""


class PackTimeoutError(TimeLimitError, AnalyzerError):
    """A pack did not start, connect or answer a call within its time limit."""
