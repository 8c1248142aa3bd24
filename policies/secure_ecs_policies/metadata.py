"""How every policy in the pack carries its severity, control ids and remediation steps.

pulumi-policy sends severity, remediation steps and tags to the engine in ``PolicyInfo``; the
control ids travel as the policy's tags and are repeated in the description, so they reach the
CLI output, SARIF reports and anyone reading the pack's own metadata through the same path. The
description also says how the policy judges its property when a program leaves it unset ("Unset:
..."), which is the provider's default, not a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ResourceRemediation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidation,
    StackValidationPolicy,
)

from secure_ecs_policies.preview_gaps import reporting_gaps

Remediation = Callable[[ResourceValidationArgs], Mapping[str, Any] | None]
"""Returns the rewritten properties, or None when the resource needs no change."""


@dataclass(frozen=True)
class PolicyMetadata:
    """What a report needs about a policy beyond the violation itself."""

    severity: str
    """low | medium | high | critical"""
    controls: tuple[str, ...]
    """Control ids the policy maps to, e.g. "FSBP ECS.2", "CKV_AWS_333"."""
    remediation: str
    """The steps that fix a violation."""
    default_enforcement: str
    """The enforcement level the policy has when no config overrides it."""
    auto_remediable: bool
    """Whether setting the policy to "remediate" makes the pack rewrite the resource."""


def _describe(summary: str, unset: str, controls: Iterable[str]) -> str:
    text = f"{summary} Unset: {unset}" if unset else summary
    listed = ", ".join(controls)
    return f"{text} [{listed}]" if listed else text


def resource_policy(
    name: str,
    summary: str,
    *,
    severity: Severity,
    controls: tuple[str, ...],
    remediation: str,
    validate: ResourceValidation | None = None,
    unset: str = "",
    remediate: Remediation | None = None,
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=name,
        description=_describe(summary, unset, controls),
        validate=reporting_gaps(validate) if validate else None,
        # pulumi-policy also accepts a plain (non-awaitable) result; its type alias names only the async form.
        remediate=cast(ResourceRemediation, remediate),
        enforcement_level=enforcement,
        config_schema=_schema(config),
        severity=severity,
        tags=list(controls),
        remediation_steps=remediation,
    )


def stack_policy(
    name: str,
    summary: str,
    *,
    severity: Severity,
    controls: tuple[str, ...],
    remediation: str,
    validate: StackValidation,
    unset: str = "",
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config: Mapping[str, Mapping[str, Any]] | None = None,
) -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name,
        description=_describe(summary, unset, controls),
        validate=reporting_gaps(validate),
        enforcement_level=enforcement,
        config_schema=_schema(config),
        severity=severity,
        tags=list(controls),
        remediation_steps=remediation,
    )


def _schema(config: Mapping[str, Mapping[str, Any]] | None) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in config.items()}) if config else None


def metadata_of(policy: Policy) -> PolicyMetadata:
    enforcement = policy.enforcement_level or EnforcementLevel.ADVISORY
    return PolicyMetadata(
        severity=policy.severity.value if policy.severity else "",
        controls=tuple(policy.tags or ()),
        remediation=policy.remediation_steps or "",
        default_enforcement=enforcement.value,
        auto_remediable=isinstance(policy, ResourceValidationPolicy) and policy.has_remediation(),
    )
