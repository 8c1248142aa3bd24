"""The one error components raise for arguments they refuse at construction."""

from __future__ import annotations

from typing import Any

import pulumi


class ComponentArgumentError(pulumi.RunError, ValueError):
    """An argument a component cannot accept: wrong, unsafe, or contradicting another argument.

    The message names the component and its instance, the argument, the value given and what is
    allowed, so a stack author can fix the config without reading the component's source.
    """

    def __init__(self, component: str, argument: str, value: Any, allowed: str, *, instance: str = "") -> None:
        self.component = component
        self.instance = instance
        self.argument = argument
        self.value = value
        self.allowed = allowed
        where = f"{component} '{instance}'" if instance else component
        super().__init__(f"{where}: argument `{argument}` = {value!r} is not accepted; {allowed}")
