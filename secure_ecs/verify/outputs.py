"""The stack outputs `__main__.py` exports, read from a file or from `pulumi stack output --json`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `pulumi stack output` prints this in place of a secret value unless --show-secrets is given.
_SECRET_PLACEHOLDER = "[secret]"
_PULUMI_TIMEOUT_SECONDS = 120


class OutputsError(Exception):
    """The outputs cannot be read or lack what verify needs; the message says which and how to fix it."""


@dataclass(frozen=True)
class StackOutputs:
    alb_url: str
    health_check_url: str
    cluster_name: str
    service_name: str
    vpc_id: str
    public_subnet_ids: tuple[str, ...]
    private_subnet_ids: tuple[str, ...]
    data_subnet_ids: tuple[str, ...]
    task_security_group_id: str
    interface_endpoint_ids: Mapping[str, str]
    """Endpoint service name (`ecr.api`, `logs` ...) -> VPC endpoint id."""
    s3_endpoint_id: str
    repository_url: str
    flow_log_id: str
    log_group_name: str
    web_acl_arn: str | None
    """None when the stack turned WAF off."""
    database_endpoint: str | None
    """`host:port`; None when the stack has no database."""
    database_secret_arn: str | None


def _where(source: str, key: str) -> str:
    return f"'{key}' in {source}"


def _string(raw: Mapping[str, Any], key: str, source: str, *, optional: bool = False) -> str | None:
    if key not in raw or raw[key] is None:
        if optional:
            return None
        raise OutputsError(f"{_where(source, key)} is missing. The outputs must come from a secure-ecs stack "
                           "(`pulumi stack output --json --show-secrets`) that has been deployed with `pulumi up`.")
    value = raw[key]
    if value == _SECRET_PLACEHOLDER:
        raise OutputsError(f"{_where(source, key)} is hidden as a secret. Export the outputs with "
                           "`pulumi stack output --json --show-secrets > outputs.json` and pass "
                           "--outputs outputs.json.")
    if not isinstance(value, str) or not value.strip():
        if optional and value == "":
            return None
        raise OutputsError(f"{_where(source, key)} should be a non-empty string, not {json.dumps(value)}.")
    return value.strip()


def _required(raw: Mapping[str, Any], key: str, source: str) -> str:
    value = _string(raw, key, source)
    assert value is not None  # _string raises for a missing required key
    return value


def _string_list(raw: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        raise OutputsError(f"{_where(source, key)} is missing; it should be a list of subnet ids.")
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise OutputsError(f"{_where(source, key)} should be a non-empty list of ids, not {json.dumps(value)}.")
    return tuple(value)


def _string_map(raw: Mapping[str, Any], key: str, source: str) -> dict[str, str]:
    value = raw.get(key)
    if value is None:
        raise OutputsError(f"{_where(source, key)} is missing; it should map endpoint services to vpce ids.")
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise OutputsError(f"{_where(source, key)} should be an object of service -> vpce id, "
                           f"not {json.dumps(value)}.")
    return {str(k): v for k, v in value.items()}


def _json_kind(value: object) -> str:
    """The JSON name of a decoded value's type (a message must not speak Python)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "an array" if isinstance(value, list) else "a string"


def parse_outputs(raw: object, source: str) -> StackOutputs:
    """Validate the decoded JSON; every error names the key and the source it came from."""
    if not isinstance(raw, dict):
        raise OutputsError(f"{source} should hold a JSON object of stack outputs, not {_json_kind(raw)}.")
    return StackOutputs(
        alb_url=_required(raw, "albUrl", source),
        health_check_url=_required(raw, "healthCheckUrl", source),
        cluster_name=_required(raw, "clusterName", source),
        service_name=_required(raw, "serviceName", source),
        vpc_id=_required(raw, "vpcId", source),
        public_subnet_ids=_string_list(raw, "publicSubnetIds", source),
        private_subnet_ids=_string_list(raw, "privateSubnetIds", source),
        data_subnet_ids=_string_list(raw, "dataSubnetIds", source),
        task_security_group_id=_required(raw, "taskSecurityGroupId", source),
        interface_endpoint_ids=_string_map(raw, "interfaceEndpointIds", source),
        s3_endpoint_id=_required(raw, "s3EndpointId", source),
        repository_url=_required(raw, "repositoryUrl", source),
        flow_log_id=_required(raw, "flowLogId", source),
        log_group_name=_required(raw, "logGroupName", source),
        web_acl_arn=_string(raw, "webAclArn", source, optional=True),
        database_endpoint=_string(raw, "databaseEndpoint", source, optional=True),
        database_secret_arn=_string(raw, "databaseSecretArn", source, optional=True),
    )


def _decode(text: str, source: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise OutputsError(f"{source} is not valid JSON ({error.msg} at line {error.lineno}, column "
                           f"{error.colno}). Write it with `pulumi stack output --json --show-secrets`.") from None


def load_outputs_file(path: Path) -> StackOutputs:
    """The outputs in ``path``; ``-`` reads them from standard input (`pulumi stack output ... | verify`)."""
    if str(path) == "-":
        return parse_outputs(_decode(sys.stdin.read(), "standard input"), "standard input")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OutputsError(f"The outputs file {path} does not exist. Create it with "
                           f"`pulumi stack output --json --show-secrets > {path}`, or use --stack.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise OutputsError(f"The outputs file {path} cannot be read: {error}.") from None
    return parse_outputs(_decode(text, str(path)), str(path))


def load_stack_outputs(stack: str, cwd: Path | None = None) -> StackOutputs:
    """Ask the Pulumi CLI for the stack's outputs (secrets stay hidden; `[secret]` values are reported)."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise OutputsError("--stack needs the Pulumi CLI, which is not on PATH. Install it "
                           "(https://www.pulumi.com/docs/install/) or export the outputs where it is installed with "
                           "`pulumi stack output --json --show-secrets > outputs.json` and pass "
                           "--outputs outputs.json.")
    command = [pulumi, "stack", "output", "--json", "--stack", stack]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False,
                                   timeout=_PULUMI_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OutputsError(f"`pulumi stack output` for stack '{stack}' did not run: {error}.") from None
    if completed.returncode != 0:
        said = completed.stderr.strip().splitlines()
        raise OutputsError(f"`pulumi stack output --json --stack {stack}` failed (exit {completed.returncode}): "
                           f"{said[-1] if said else 'no message'}. Check the stack name and `pulumi login`.")
    source = f"the outputs of stack '{stack}'"
    return parse_outputs(_decode(completed.stdout, source), source)
