"""CloudWatch Logs accepts only these retention periods (days)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def _allowed_retention(days: int) -> int:
    if days not in CLOUDWATCH_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in CLOUDWATCH_RETENTION_DAYS)
        raise ValueError(f"CloudWatch Logs keeps logs for one of {allowed} days")
    return days


RetentionDays = Annotated[int, AfterValidator(_allowed_retention)]
