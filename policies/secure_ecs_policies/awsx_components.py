"""The pack's rules applied to the inputs of awsx components, whose children an offline plan cannot see.

awsx components are *remote*: their provider builds the child resources in its own process. A real
`pulumi preview --policy-pack` sends the pack those children (an ``aws:ecs/service:Service`` ...),
so the pulumi-aws rules judge them there. Under Pulumi's mock engine there are no children, only the
program's own registration of the component with its inputs; without these rules
``awsx.ecs.FargateService(assign_public_ip=True)`` would pass unseen.

Each rule here is an existing policy (same name, controls, remediation) that also judges the child
resources awsx *would* create from the component's inputs, derived from awsx's defaults
(pulumi-awsx ``awsx/ecs/fargateService.ts``, ``awsx/lb/applicationLoadBalancer.ts``, ``awsx/ec2/vpc.ts``).

No double report in a real preview. The engine never analyzes the program's registration of a
remote component: it calls the provider's Construct instead of the step generator
(pulumi ``pkg/resource/deploy/source_eval.go:2826-2836``, "Remote components don't go through the
step generator"). Inside Construct, awsx registers the component again, with the properties
``{name, args, opts}`` (pulumi-awsx ``awsx/schema-types.ts:245``), and that registration and every
child do reach the analyzers (``pkg/resource/deploy/step_generator.go:3450-3486``, ``analyzeAll``).
The derived checks below run only on the flat form the program registers, never on ``{name, args,
opts}``, so in a real preview the children alone are judged, once. (Sources read: pulumi/pulumi at
1b5949891b3c, pulumi/pulumi-awsx at e60adf3cf01f.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

from pulumi_policy import (
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from secure_ecs_facts import tokens
from secure_ecs_policies.preview_gaps import reporting_gaps
from secure_ecs_policies.properties import (
    MISSING,
    UNKNOWN,
    integer,
    is_sequence,
    is_true,
    is_unknown,
    items,
    lookup,
    plain,
    text,
)

FARGATE_SERVICE: Final = "awsx:ecs:FargateService"
EC2_SERVICE: Final = "awsx:ecs:EC2Service"
APPLICATION_LOAD_BALANCER: Final = "awsx:lb:ApplicationLoadBalancer"
NETWORK_LOAD_BALANCER: Final = "awsx:lb:NetworkLoadBalancer"
REPOSITORY: Final = "awsx:ecr:Repository"
VPC: Final = "awsx:ec2:Vpc"

Args = TypeVar("Args", ResourceValidationArgs, StackValidationArgs)

# The security group awsx creates when it is given none: everything in from anywhere
# (fargateService.ts getDefaultNetworkConfiguration, applicationLoadBalancer.ts "TO-DO ... review this!").
AWSX_OPEN_GROUP: Final[Mapping[str, Any]] = {
    "ingress": [
        {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"]}
    ],
    "egress": [{"protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrBlocks": ["0.0.0.0/0"]}],
}


@dataclass(frozen=True)
class Child:
    """A resource awsx creates for a component, as far as its inputs say."""

    type: str
    name: str
    props: Mapping[str, Any]
    links: Mapping[str, str] | None = None
    """Input property -> type of the sibling it references (a load balancer's securityGroups)."""


def is_program_registration(props: Any) -> bool:
    """The flat inputs the program registers, not awsx's own ``{name, args, opts}`` registration."""
    return not (isinstance(props, Mapping) and "args" in props and "opts" in props)


def _present(props: Any, keys: Iterable[str]) -> dict[str, Any]:
    return {key: plain(value) for key in keys if (value := lookup(props, key)) is not MISSING}


# -- what each component creates ------------------------------------------------------------------


def _containers(task: Any) -> Any:
    single, many = lookup(task, "container"), lookup(task, "containers")
    if is_unknown(single) or is_unknown(many):
        return UNKNOWN
    named = [(None, single)] if isinstance(single, Mapping) else []
    if isinstance(many, Mapping):
        named += [(key, lookup(many, key)) for key in list(many.keys())]
    # awsx gives every container an awslogs configuration unless the log group is skipped.
    logged = not is_true(lookup(task, "logGroup", "skip"))
    definitions = []
    for key, container in named:
        definition = plain(container)
        if isinstance(definition, dict):
            if key is not None:
                definition.setdefault("name", key)
            if logged:
                definition.setdefault("logConfiguration", {"logDriver": "awslogs"})
        definitions.append(definition)
    return definitions


def _service(name: str, props: Any) -> list[Child]:
    network = lookup(props, "networkConfiguration")
    default_network = network is MISSING or network is None
    if default_network:
        assign = lookup(props, "assignPublicIp")
        network = {"assignPublicIp": False if assign is MISSING else plain(assign)}
    children = [Child(tokens.ECS_SERVICE, name, {"networkConfiguration": plain(network)})]
    if default_network:
        children.append(Child(tokens.SECURITY_GROUP, f"{name}-sg", AWSX_OPEN_GROUP))
    task = lookup(props, "taskDefinitionArgs")
    if isinstance(task, Mapping) or is_unknown(task):
        containers = UNKNOWN if is_unknown(task) else _containers(task)
        children.append(Child(tokens.ECS_TASK_DEFINITION, name, {"containerDefinitions": containers}))
    return children


_BALANCER_INPUTS = ("internal", "dropInvalidHeaderFields", "desyncMitigationMode", "enableDeletionProtection",
                    "accessLogs", "securityGroups", "name", "tags")


def _listener(spec: Any, default_port: Any, default_protocol: str) -> dict[str, Any]:
    """awsx's getListenerProtocol: a port implies its protocol and the other way round."""
    port, protocol = lookup(spec, "port"), lookup(spec, "protocol")
    if protocol is MISSING:
        protocol = "HTTPS" if integer(port) == 443 else ("HTTP" if port is not MISSING else default_protocol)
    if port is MISSING:
        port = 443 if text(protocol) == "HTTPS" else default_port
    listener = plain(spec) if isinstance(spec, Mapping) else {}
    listener.update({"port": plain(port), "protocol": plain(protocol)})
    listener.setdefault("defaultActions", [{"type": "forward"}])
    return listener


def _balancer_group(listeners: list[dict[str, Any]]) -> Mapping[str, Any]:
    """awsx's default load-balancer group opens every port to everyone, but the balancer accepts
    connections on its listener ports only: that is what the internet reaches, so that is what is judged
    (the listeners themselves are judged as listeners). Unknown ports keep the whole open group."""
    ports = {integer(listener.get("port")) for listener in listeners}
    known = sorted(port for port in ports if port is not None)
    if len(known) < len(ports):
        return AWSX_OPEN_GROUP
    open_to_all = {"cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"]}
    return {
        "ingress": [{"protocol": "tcp", "fromPort": port, "toPort": port, **open_to_all} for port in known],
        "egress": AWSX_OPEN_GROUP["egress"],
    }


def _balancer(kind: str) -> Callable[[str, Any], list[Child]]:
    default_protocol = "HTTP" if kind == "application" else "TCP"

    def derive(name: str, props: Any) -> list[Child]:
        balancer = {**_present(props, _BALANCER_INPUTS), "loadBalancerType": kind}
        children: list[Child] = []
        listener, listeners = lookup(props, "listener"), lookup(props, "listeners")
        specs = [listener] if isinstance(listener, Mapping) else items(listeners) if is_sequence(listeners) else [{}]
        default_port = lookup(props, "defaultTargetGroupPort")
        port = 80 if default_port is MISSING else default_port
        listener_props = [_listener(spec, port, default_protocol) for spec in specs]
        to_balancer = {"loadBalancerArn": tokens.LOAD_BALANCERS[0]}
        children = [Child(tokens.LISTENERS[0], f"{name}-{index}", listener, to_balancer)
                    for index, listener in enumerate(listener_props)]
        group = lookup(props, "defaultSecurityGroup")
        has_own_group = kind == "application" and lookup(props, "securityGroups") is MISSING and not is_true(
            lookup(group, "skip")
        ) and lookup(group, "securityGroupId") is MISSING
        if has_own_group:
            arguments = lookup(group, "args")
            own_group = plain(arguments) if isinstance(arguments, Mapping) else _balancer_group(listener_props)
            children.insert(0, Child(tokens.SECURITY_GROUP, name, own_group))
        # The load balancer comes first: it stands in for the component where others reference it.
        links = {"securityGroups": tokens.SECURITY_GROUP} if has_own_group else None
        children.insert(0, Child(tokens.LOAD_BALANCERS[0], name, balancer, links))
        return children

    return derive


_REPOSITORY_INPUTS = ("name", "imageScanningConfiguration", "imageTagMutability", "encryptionConfigurations", "tags")


def _repository(name: str, props: Any) -> list[Child]:
    children = [Child(tokens.ECR_REPOSITORY, name, _present(props, _REPOSITORY_INPUTS))]
    if not is_true(lookup(props, "lifecyclePolicy", "skip")):  # awsx adds one unless told not to
        children.append(Child(tokens.ECR_LIFECYCLE_POLICY, name, {}, {"repository": tokens.ECR_REPOSITORY}))
    return children


def _vpc(name: str, props: Any) -> list[Child]:
    children = [Child(tokens.VPC, name, _present(props, ("cidrBlock", "tags")))]
    specs = lookup(props, "subnetSpecs")
    if is_unknown(specs):
        return children
    # Without subnetSpecs awsx makes public and private subnets in every zone; public ones map public IPs.
    public = [s for s in items(specs) if text(lookup(s, "type")) == "Public"] if is_sequence(specs) else [{}]
    for index, spec in enumerate(public):
        subnet_name = text(lookup(spec, "name")) or "public"
        subnet = {"mapPublicIpOnLaunch": True, **_present(spec, ("tags",))}
        children.append(Child(tokens.SUBNET, f"{name}-{subnet_name}-{index + 1}", subnet))
    return children


DERIVATIONS: Final[Mapping[str, Callable[[str, Any], list[Child]]]] = {
    FARGATE_SERVICE: _service,
    EC2_SERVICE: _service,
    APPLICATION_LOAD_BALANCER: _balancer("application"),
    NETWORK_LOAD_BALANCER: _balancer("network"),
    REPOSITORY: _repository,
    VPC: _vpc,
}
"""awsx component token -> the children its inputs imply (the components these rules look into)."""


def children_of(resource_type: str, name: str, props: Any) -> list[Child]:
    derive = DERIVATIONS.get(resource_type)
    if derive is None or not is_program_registration(props):
        return []
    return derive(name, props)


def _prefixed(report: ReportViolation, child: Child, urn: str | None) -> ReportViolation:
    def report_on_component(message: str, _urn: str | None = None) -> None:
        report(f"{child.type} '{child.name}' that this awsx component creates: {message}", urn)

    return report_on_component


# -- resource policies ----------------------------------------------------------------------------


class _ChildArgs:
    """The component's validation arguments, seen as those of one of its children."""

    def __init__(self, args: ResourceValidationArgs, child: Child) -> None:
        self.resource_type = child.type
        self.props = child.props
        self.urn = args.urn
        self.name = child.name
        self.opts = args.opts
        self.provider = args.provider
        self.stack_tags = getattr(args, "stack_tags", {})
        self._args = args

    def get_config(self) -> Mapping[str, Any]:
        return self._args.get_config()


def _judging_children(policy: ResourceValidationPolicy) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for child in children_of(args.resource_type, args.name, args.props):
            policy.validate(cast(ResourceValidationArgs, _ChildArgs(args, child)), _prefixed(report, child, None))

    return validate


def _both(first: Callable[[Args, ReportViolation], object],
          then: Callable[[Args, ReportViolation], None]) -> Callable[[Args, ReportViolation], None]:
    """The policy's own validation, then the same rules on the components' children; run inside one
    `reporting_gaps`, so what neither could judge during a preview is reported once, after both."""

    def validate(args: Args, report: ReportViolation) -> None:
        first(args, report)
        then(args, report)

    return validate


def _described_as(policy: Policy) -> dict[str, Any]:
    """The metadata a rebuilt policy keeps from the original: name, levels, controls, remediation."""
    return {
        "name": policy.name,
        "description": policy.description,
        "enforcement_level": policy.enforcement_level,
        "config_schema": policy.config_schema,
        "display_name": policy.display_name,
        "severity": policy.severity,
        "framework": policy.framework,
        "tags": policy.tags,
        "remediation_steps": policy.remediation_steps,
        "url": policy.url,
    }


def _resource_policy(policy: ResourceValidationPolicy) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        validate=reporting_gaps(_both(policy.validate, _judging_children(policy))),
        remediate=policy.remediate if policy.has_remediation() else None,
        **_described_as(policy),
    )


# -- stack policies -------------------------------------------------------------------------------


def _stand_ins(component: PolicyResource) -> list[PolicyResource]:
    """PolicyResources for a component's children, carrying the component's URN (reports land on it)."""
    children = children_of(str(component.resource_type), component.name, component.props)
    made = [
        PolicyResource(child.type, child.props, component.urn, child.name, component.opts, component.provider,
                       component, [], {})
        for child in children
    ]
    for child, resource in zip(children, made, strict=True):  # links may point either way among siblings
        for prop, target in (child.links or {}).items():
            resource.property_dependencies[prop] = [s for s in made if s is not resource and s.resource_type == target]
    return made


class _StackArgs:
    """The stack's validation arguments with the components replaced by their children."""

    def __init__(self, resources: list[PolicyResource], args: StackValidationArgs) -> None:
        self.resources = resources
        self.stack_tags = getattr(args, "stack_tags", {})
        self._args = args

    def get_config(self) -> Mapping[str, Any]:
        return self._args.get_config()


def _with_children(args: StackValidationArgs) -> tuple[list[PolicyResource], set[str]]:
    """Every resource, each awsx component replaced by its children, references to it by the first
    (its VPC, load balancer, repository or service); and the URNs of the components replaced."""
    stand_ins = {id(r): made for r in args.resources if (made := _stand_ins(r))}
    if not stand_ins:
        return [], set()
    primary = {key: made[0] for key, made in stand_ins.items()}

    def swap(resources: Iterable[PolicyResource]) -> list[PolicyResource]:
        return [primary.get(id(r), r) for r in resources]

    rewritten = [
        PolicyResource(r.resource_type, r.props, r.urn, r.name, r.opts, r.provider, r.parent, swap(r.dependencies),
                       {key: swap(deps) for key, deps in (r.property_dependencies or {}).items()})
        for r in args.resources
        if id(r) not in stand_ins
    ]
    children = [child for made in stand_ins.values() for child in made]
    return rewritten + children, {made[0].urn for made in stand_ins.values()}


def _judging_stand_ins(policy: StackValidationPolicy) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources, component_urns = _with_children(args)
        if not component_urns:
            return

        def report_on_component(message: str, urn: str | None = None) -> None:
            # Violations of ordinary resources were reported by the policy itself already.
            if urn in component_urns:
                report(f"{message} (a resource the awsx component {str(urn).rsplit('::', 1)[-1]} creates)", urn)

        policy.validate(cast(StackValidationArgs, _StackArgs(resources, args)), report_on_component)

    return validate


def _stack_policy(policy: StackValidationPolicy) -> StackValidationPolicy:
    return StackValidationPolicy(
        validate=reporting_gaps(_both(policy.validate, _judging_stand_ins(policy))), **_described_as(policy)
    )


def covering_awsx_components(policies: Iterable[Policy]) -> list[Policy]:
    """Each policy, also judging the children awsx components imply (same name, controls, remediation)."""
    covered: list[Policy] = []
    for policy in policies:
        if isinstance(policy, ResourceValidationPolicy) and policy.has_validation():
            covered.append(_resource_policy(policy))
        elif isinstance(policy, StackValidationPolicy):
            covered.append(_stack_policy(policy))
        else:
            covered.append(policy)
    return covered
