"""`secure-ecs:service`, `secure-ecs:alb` and `secure-ecs:database`."""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator, model_validator

from components.fargate_sizes import describe_memory_values, valid_cpu_values, valid_memory_values
from secure_ecs.config.base import ConfigSection
from secure_ecs.config.retention import RetentionDays
from secure_ecs_policies.secret_names import name_looks_secret, value_embeds_password


class AutoscalingConfig(ConfigSection):
    min_count: int = Field(ge=1)
    """Fewest running tasks."""
    max_count: int = Field(ge=1, le=1000)
    """Most running tasks."""
    cpu_target_percent: int = Field(60, ge=10, le=90)
    """Average CPU the target-tracking policy holds the service at."""


class ServiceConfig(ConfigSection):
    image: str | None = None
    """Image to run: `sha256:<digest>` of an image in the stack's own repository, or a full URI."""
    docker_context: str | None = None
    """Docker build context to build and push instead of `image` (path relative to the project)."""
    container_port: int = Field(8080, ge=1, le=65535)
    """Port the container listens on; the ALB forwards to it."""
    cpu: int = 256
    """Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384)."""
    memory: int = 512
    """Task memory in MiB; must pair with `cpu` as Fargate requires."""
    desired_count: int = Field(1, ge=0, le=1000)
    """Tasks to run (the starting point when autoscaling is on)."""
    user: str = "1000:1000"
    """Non-root user (uid:gid) the container runs as."""
    environment: dict[str, str] = {}
    """Plain, non-secret environment variables."""
    secrets: dict[str, str] = {}
    """Environment variable name -> Secrets Manager ARN (optionally `:json-key::`) or SSM parameter ARN."""
    secret_kms_key_arns: list[str] = []
    """Customer-managed KMS keys that encrypt those secrets (the database's key is added itself)."""
    autoscaling: AutoscalingConfig | None = None
    """Target-tracking autoscaling on CPU; off when absent."""
    readonly_root_filesystem: bool = True
    """Container root filesystem is read-only (writable /tmp only)."""
    enable_execute_command: bool = False
    """ECS Exec (adds the ssmmessages endpoint); AWS's agent needs `readonlyRootFilesystem: false`."""
    log_retention_days: RetentionDays = 30
    """Days to keep container logs."""

    @field_validator("cpu")
    @classmethod
    def _fargate_cpu(cls, cpu: int) -> int:
        if cpu not in valid_cpu_values():
            raise ValueError(f"Fargate offers {', '.join(map(str, valid_cpu_values()))} CPU units")
        return cpu

    @field_validator("environment")
    @classmethod
    def _no_secrets_in_environment(cls, environment: dict[str, str]) -> dict[str, str]:
        leaking = sorted(k for k, v in environment.items() if name_looks_secret(k) or value_embeds_password(v))
        if leaking:
            raise ValueError(
                f"{', '.join(leaking)} look like credentials; move them to `secrets` (a Secrets Manager ARN) "
                "so they never appear in the task definition"
            )
        return environment

    @field_validator("secrets")
    @classmethod
    def _secret_references(cls, secrets: dict[str, str]) -> dict[str, str]:
        bad = sorted(k for k, v in secrets.items() if not v.startswith("arn:"))
        if bad:
            raise ValueError(f"{', '.join(bad)} must be Secrets Manager or SSM parameter ARNs, not values")
        return secrets

    @model_validator(mode="after")
    def _consistent(self) -> ServiceConfig:
        if (self.image is None) == (self.docker_context is None):
            raise ValueError("set exactly one of `image` (a URI or digest) and `dockerContext` (a build path)")
        if self.memory not in valid_memory_values(self.cpu):
            raise ValueError(
                f"memory {self.memory} does not pair with cpu {self.cpu}; use {describe_memory_values(self.cpu)}"
            )
        if self.enable_execute_command and self.readonly_root_filesystem:
            raise ValueError(
                "enableExecuteCommand needs a writable root filesystem for the ECS Exec agent; "
                "set readonlyRootFilesystem: false as well, or turn ECS Exec off"
            )
        scaling = self.autoscaling
        if scaling and not scaling.min_count <= self.desired_count <= scaling.max_count:
            raise ValueError(
                f"desiredCount {self.desired_count} must lie within autoscaling minCount {scaling.min_count} "
                f"and maxCount {scaling.max_count}"
            )
        return self


class WafConfig(ConfigSection):
    enabled: bool = True
    """Attach a WAFv2 web ACL (AWS managed rules + rate limit). Turning it off must be explicit."""
    rate_limit: int = Field(2000, ge=10, le=2_000_000_000)
    """Requests per 5 minutes from one IP before it is blocked."""
    log_retention_days: RetentionDays = 90
    """Days to keep WAF logs."""


class AlbConfig(ConfigSection):
    certificate_arn: str | None = None
    """ACM certificate for the HTTPS listener (HTTP then only redirects)."""
    allow_http_only: bool = False
    """Serve plain HTTP with no certificate: only for a dev stack without a domain."""
    ingress_cidrs: list[str] = ["0.0.0.0/0"]
    """Who may reach the load balancer."""
    health_check_path: str = "/api/health"
    """Path the target group probes."""
    waf: WafConfig = WafConfig()
    """Web application firewall."""
    access_log_retention_days: int = Field(90, ge=1, le=3650)
    """Days to keep ALB access logs in S3."""

    @field_validator("ingress_cidrs")
    @classmethod
    def _cidrs(cls, cidrs: list[str]) -> list[str]:
        if not cidrs:
            raise ValueError("needs at least one range; the load balancer would be unreachable")
        for cidr in cidrs:
            try:
                ipaddress.IPv4Network(cidr, strict=True)
            except ValueError as exc:
                # The load balancer is IPv4-only, so an IPv6 range would admit no one.
                raise ValueError(f"'{cidr}' is not an IPv4 CIDR range ({exc})") from None
        return cidrs

    @field_validator("health_check_path")
    @classmethod
    def _path(cls, path: str) -> str:
        if not path.startswith("/") or len(path) > 1024:
            raise ValueError("must start with / and be at most 1024 characters")
        return path

    @model_validator(mode="after")
    def _listener_mode(self) -> AlbConfig:
        if self.certificate_arn and self.allow_http_only:
            raise ValueError(
                "`certificateArn` and `allowHttpOnly` contradict each other; with a certificate "
                "HTTP only redirects to HTTPS, so drop `allowHttpOnly`"
            )
        if not self.certificate_arn and not self.allow_http_only:
            raise ValueError(
                "needs `certificateArn` for HTTPS, or `allowHttpOnly: true` to accept plain HTTP "
                "(a dev stack without a domain)"
            )
        if self.certificate_arn and not self.certificate_arn.startswith("arn:"):
            raise ValueError(f"certificateArn '{self.certificate_arn}' is not an ACM certificate ARN")
        return self


# What the task receives about the database: credentials from its Secrets Manager secret, the rest plain.
DATABASE_SECRET_VARIABLES = ("DB_USERNAME", "DB_PASSWORD")
DATABASE_PLAIN_VARIABLES = ("DB_HOST", "DB_PORT", "DB_NAME")


class DatabaseConfig(ConfigSection):
    instance_class: str = "db.t4g.micro"
    """RDS instance class."""
    engine_major_version: int = Field(16, ge=13, le=17)
    """PostgreSQL major version (minor versions are upgraded automatically)."""
    allocated_storage_gb: int = Field(20, ge=20, le=65536)
    """Initial storage (GiB)."""
    max_allocated_storage_gb: int | None = Field(None, ge=20, le=65536)
    """Storage autoscaling ceiling (GiB); off when absent."""
    multi_az: bool = True
    """Synchronous standby in a second AZ."""
    backup_retention_days: int = Field(7, ge=1, le=35)
    """Automated backup retention."""
    database_name: str = Field("app", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
    """Name of the initial database."""
    port: int = Field(5432, ge=1150, le=65535)
    """Port PostgreSQL listens on."""
    log_retention_days: RetentionDays = 30
    """Days to keep the PostgreSQL logs exported to CloudWatch."""

    @model_validator(mode="after")
    def _storage(self) -> DatabaseConfig:
        ceiling = self.max_allocated_storage_gb
        if ceiling is not None and ceiling <= self.allocated_storage_gb:
            raise ValueError("maxAllocatedStorageGb must exceed allocatedStorageGb (or be left out)")
        if not self.instance_class.startswith("db."):
            raise ValueError(f"instanceClass '{self.instance_class}' is not an RDS class (db.*)")
        return self
