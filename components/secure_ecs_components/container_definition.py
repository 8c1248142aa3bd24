"""The hardened container definition JSON of a SecureFargateService task.

Kept free of Pulumi types: the component resolves its inputs and calls `container_definitions_json`
inside one `Output.apply`, so this module is plain, testable data shaping.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Name of the task-level scratch volume mounted at /tmp, so a read-only root filesystem still
# leaves the application one writable place (Fargate backs it with task ephemeral storage).
SCRATCH_VOLUME_NAME = "scratch-tmp"
SCRATCH_MOUNT_PATH = "/tmp"


@dataclass(frozen=True)
class HealthCheck:
    command: tuple[str, ...]
    interval_seconds: int = 30
    timeout_seconds: int = 5
    retries: int = 3
    start_period_seconds: int = 60


@dataclass(frozen=True)
class ContainerSpec:
    name: str
    image: str
    port: int
    user: str
    log_group_name: str
    region: str
    health_check: HealthCheck
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Sequence[tuple[str, str]] = ()
    """(variable name, valueFrom ARN) pairs."""
    readonly_root_filesystem: bool = True
    init_process_enabled: bool = True


def default_health_check_command(port: int, path: str) -> tuple[str, ...]:
    """Ask the app itself on localhost; needs `curl` in the image (override the command if absent)."""
    return ("CMD-SHELL", f"curl -fsS -o /dev/null http://localhost:{port}{path} || exit 1")


def container_definition(spec: ContainerSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "image": spec.image,
        "essential": True,
        "user": spec.user,
        "privileged": False,
        "readonlyRootFilesystem": spec.readonly_root_filesystem,
        "portMappings": [{"containerPort": spec.port, "protocol": "tcp"}],
        # Sorted so the JSON (and therefore the task definition revision) is stable across runs.
        "environment": [{"name": k, "value": spec.environment[k]} for k in sorted(spec.environment)],
        "secrets": [{"name": n, "valueFrom": v} for n, v in sorted(spec.secrets)],
        "mountPoints": [{"sourceVolume": SCRATCH_VOLUME_NAME, "containerPath": SCRATCH_MOUNT_PATH, "readOnly": False}],
        "linuxParameters": {
            # The app runs as a non-root user; dropping the bounding set also disarms setuid binaries.
            "capabilities": {"drop": ["ALL"]},
            "initProcessEnabled": spec.init_process_enabled,
        },
        "healthCheck": {
            "command": list(spec.health_check.command),
            "interval": spec.health_check.interval_seconds,
            "timeout": spec.health_check.timeout_seconds,
            "retries": spec.health_check.retries,
            "startPeriod": spec.health_check.start_period_seconds,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": spec.log_group_name,
                "awslogs-region": spec.region,
                "awslogs-stream-prefix": spec.name,
            },
        },
    }


def container_definitions_json(spec: ContainerSpec) -> str:
    return json.dumps([container_definition(spec)])
