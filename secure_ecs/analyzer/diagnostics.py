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


def initial_policy_config(config: analyzer_pb2.PolicyConfig) -> PolicyConfig:
    """One ``initialConfig`` entry of GetAnalyzerInfo, read as the Pulumi engine reads it.

    ``PolicyConfig.enforcementLevel`` is a plain proto3 enum, so "not set" and ADVISORY (0) are the
    same on the wire. The engine (``analyzer.GetAnalyzerInfo`` in sdk/go/common/resource/plugin/
    analyzer_plugin.go) converts every entry's level with ``convertEnforcementLevel``, so 0 is always
    "advisory", and ``ReconcilePolicyPackConfig`` applies it over the policy's own level. The Python
    and Node policy SDKs leave the field unset for an entry that carries only properties, so such
    an entry also makes its policy advisory under the real CLI; this client does the same, rather
    than guess at what the pack meant.
    """
    return PolicyConfig(
        enforcement_level=ENFORCEMENT_NAMES.get(config.enforcementLevel, "advisory"),
        properties=struct_to_dict(config.properties),
    )


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
    initial = {name: initial_policy_config(config) for name, config in message.initialConfig.items()}
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
