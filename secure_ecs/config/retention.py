"""A log retention setting: one of the periods CloudWatch Logs accepts (the components' list)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from components.validation import LOG_RETENTION_DAYS


def _allowed_retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
        raise ValueError(f"CloudWatch Logs keeps logs for one of {allowed} days")
    return days


RetentionDays = Annotated[int, AfterValidator(_allowed_retention)]
