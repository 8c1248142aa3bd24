"""Typed views of what a pack answers: its policies, their config, violations and remediations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

ENFORCEMENT_NAMES: Final[Mapping[int, str]] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
ENFORCEMENT_VALUES: Final[Mapping[str, int]] = {name: value for value, name in ENFORCEMENT_NAMES.items()}

SEVERITY_NAMES: Final[Mapping[int, str]] = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}

POLICY_TYPE_NAMES: Final[Mapping[int, str]] = {
    analyzer_pb2.POLICY_TYPE_UNKNOWN: "",
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's configuration as sent in Configure."""

    enforcement_level: str | None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyDescriptor:
    """A policy as the pack describes itself in GetAnalyzerInfo."""

    name: str
    description: str
    enforcement_level: str
    policy_type: str
    severity: str
    controls: tuple[str, ...]
    """The policy's tags; the secure-ecs pack uses them for control ids (FSBP / Checkov)."""
    remediation: str
    config_schema: Mapping[str, Any]
    required_config: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnalyzerInfo:
    name: str
    version: str
    display_name: str
    description: str
    policies: tuple[PolicyDescriptor, ...]
    initial_config: Mapping[str, PolicyConfig]

    def policy(self, name: str) -> PolicyDescriptor:
        for descriptor in self.policies:
            if descriptor.name == name:
                return descriptor
        raise KeyError(name)


@dataclass(frozen=True)
class Diagnostic:
    """One violation a pack reported."""

    policy_name: str
    pack_name: str
    pack_version: str
    description: str
    message: str
    enforcement_level: str
    urn: str
    severity: str = ""
    controls: tuple[str, ...] = ()
    remediation: str = ""

    @property
    def is_mandatory(self) -> bool:
        return self.enforcement_level in {"mandatory", "remediate"}


@dataclass(frozen=True)
class Remediation:
    """A rewrite of a resource's properties a pack proposed (or why it could not)."""

    policy_name: str
    pack_name: str
    description: str
    urn: str
    properties: Mapping[str, Any] | None
    diagnostic: str = ""


def struct_to_dict(struct: Any) -> dict[str, Any]:
    return dict(json_format.MessageToDict(struct))


def analyzer_info_from(message: analyzer_pb2.AnalyzerInfo) -> AnalyzerInfo:
    policies = tuple(
        PolicyDescriptor(
            name=p.name,
            description=p.description,
            enforcement_level=ENFORCEMENT_NAMES.get(p.enforcementLevel, "advisory"),
            policy_type=POLICY_TYPE_NAMES.get(p.policy_type, ""),
            severity=SEVERITY_NAMES.get(p.severity, ""),
            controls=tuple(p.tags),
            remediation=p.remediation_steps,
            config_schema=struct_to_dict(p.configSchema.properties),
            required_config=tuple(p.configSchema.required),
        )
        for p in message.policies
    )
    initial = {
        name: PolicyConfig(
            enforcement_level=ENFORCEMENT_NAMES.get(config.enforcementLevel) if config.enforcementLevel else None,
            properties=struct_to_dict(config.properties),
        )
        for name, config in message.initialConfig.items()
    }
    return AnalyzerInfo(
        name=message.name,
        version=message.version,
        display_name=message.displayName,
        description=message.description,
        policies=policies,
        initial_config=initial,
    )


def diagnostics_from(
    response: analyzer_pb2.AnalyzeResponse, info: AnalyzerInfo | None, default_urn: str = ""
) -> list[Diagnostic]:
    """Violations in ``response``, with severity/controls/remediation filled from the pack's metadata."""
    descriptors = {p.name: p for p in info.policies} if info else {}
    result: list[Diagnostic] = []
    for d in response.diagnostics:
        descriptor = descriptors.get(d.policyName)
        result.append(
            Diagnostic(
                policy_name=d.policyName,
                pack_name=d.policyPackName,
                pack_version=d.policyPackVersion,
                description=d.description,
                message=d.message,
                enforcement_level=ENFORCEMENT_NAMES.get(d.enforcementLevel, "advisory"),
                urn=d.urn or default_urn,
                severity=SEVERITY_NAMES.get(d.severity, "") or (descriptor.severity if descriptor else ""),
                controls=descriptor.controls if descriptor else (),
                remediation=descriptor.remediation if descriptor else "",
            )
        )
    return result


def remediations_from(response: analyzer_pb2.RemediateResponse, urn: str) -> list[Remediation]:
    return [
        Remediation(
            policy_name=r.policyName,
            pack_name=r.policyPackName,
            description=r.description,
            urn=urn,
            properties=struct_to_dict(r.properties) if r.HasField("properties") else None,
            diagnostic=r.diagnostic,
        )
        for r in response.remediations
    ]
