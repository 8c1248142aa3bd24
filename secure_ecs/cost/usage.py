"""Usage assumptions: the quantities a resource graph cannot tell (traffic, log volume, deploys).

Each field has a default and a description; the report prints them all so a reader can see what
the estimate rests on and override the ones they know (`UsageAssumptions(requests_per_month=...)`
or `UsageAssumptions.model_validate({...})` from a CLI/JSON file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class UsageAssumptions(BaseModel):
    """Monthly workload assumptions for one stack."""

    # Infinity and NaN are no usage figures (files are also read strictly: `true` is no request count).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    hours_per_month: float = Field(730.0, gt=0, le=744, description="Billable hours in a month (AWS uses 730).")

    # Traffic through the load balancer.
    requests_per_month: float = Field(5_000_000, ge=0, description="HTTP requests reaching the ALB per month.")
    # The ALB processes both directions (LCU bytes); only responses leave AWS as billed internet egress.
    request_kb: float = Field(2.0, ge=0, description="Average KB of each request (headers + body) the ALB receives.")
    response_kb: float = Field(
        18.0, ge=0, description="Average KB of each response the ALB sends out to the internet (billed egress)."
    )
    requests_per_connection: float = Field(
        10.0, gt=0, description="Requests per client connection (keep-alive); drives the ALB new-connection LCU."
    )

    # Image pulls: every deploy starts every task again, and each start pulls the image.
    image_size_gb: float = Field(0.3, ge=0, description="Compressed image size pulled per task start (GB).")
    deploys_per_month: float = Field(20, ge=0, description="Deployments per month (each restarts every task).")
    extra_task_starts_per_month: float = Field(
        0, ge=0, description="Task starts beyond deploys (scale-out, replacements) per month."
    )
    ecr_images_retained: float = Field(
        10, ge=0, description="Images kept in each repository (lifecycle policy) for ECR storage."
    )

    # Task traffic to AWS APIs besides image layers.
    container_log_gb_per_task: float = Field(
        1.0, ge=0, description="Container log GB each running task sends to CloudWatch Logs per month."
    )
    aws_api_gb_per_task: float = Field(
        0.1, ge=0, description="GB per task per month to ECR API, Secrets Manager, KMS and ECS agent endpoints."
    )

    # Logs written by AWS services (not through the task's network path).
    flow_log_gb_per_month: float = Field(5.0, ge=0, description="VPC flow log GB per month per flow-log group.")
    waf_log_gb_per_million_requests: float = Field(1.5, ge=0, description="WAF log GB per million inspected requests.")
    rds_log_gb_per_group: float = Field(0.5, ge=0, description="GB per month per exported RDS log group.")
    other_log_gb_per_group: float = Field(0.5, ge=0, description="GB per month for any other log group.")
    log_storage_horizon_months: float = Field(
        12, gt=0, description="Months of logs stored when a group never expires (retention unset)."
    )

    # The comparison designs.
    nat_design_keeps_s3_gateway: bool = Field(
        True,
        description="NAT designs keep the free S3 gateway endpoint, so image layers (served from S3) bypass the NAT.",
    )

    @model_validator(mode="before")
    @classmethod
    def _renamed_fields(cls, data: Any) -> Any:
        # Name the replacement instead of pydantic's bare "extra inputs are not permitted".
        if isinstance(data, Mapping) and "request_response_kb" in data:
            raise ValueError(
                "request_response_kb was split into request_kb and response_kb (inbound requests are free, "
                "only responses are internet egress); set those two instead"
            )
        return data

    @property
    def processed_kb_per_request(self) -> float:
        """Request plus response: what the ALB processes per request (its bytes LCU dimension)."""
        return self.request_kb + self.response_kb

    def described(self) -> list[tuple[str, object, str]]:
        """(name, value, description) for every assumption, in declaration order."""
        return [(name, getattr(self, name), info.description or "") for name, info in type(self).model_fields.items()]
