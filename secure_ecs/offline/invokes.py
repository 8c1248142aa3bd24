"""Answers to data-source invokes for offline runs."""

from __future__ import annotations

from typing import Any, Protocol


class UnansweredInvokeError(Exception):
    """A program called a data source the offline account cannot answer."""

    def __init__(self, token: str) -> None:
        super().__init__(
            f"the program calls the data source '{token}', which the offline account cannot answer; "
            "pass the value in through stack config instead, or run a real `pulumi preview`"
        )
        self.token = token


class InvokeResponder(Protocol):
    def answer(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """The invoke's result, or raise `UnansweredInvokeError`."""
        ...
