"""The error a stack with invalid configuration ends with."""

from __future__ import annotations

import pulumi


class StackConfigError(pulumi.RunError):
    """Invalid `secure-ecs:` configuration. A `pulumi.RunError`, so `pulumi up` shows the message alone."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"the stack configuration is invalid:\n{listing}\n"
            f"Fix these keys in Pulumi.{pulumi.get_stack()}.yaml (or with `pulumi config set --path`); "
            "nothing was created."
        )
