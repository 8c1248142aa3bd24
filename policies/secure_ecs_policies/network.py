"""Network exposure: public IPs on subnets, instances and launch templates; open ingress; flow logs."""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from pulumi_policy import (
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from secure_ecs_facts import tokens
from secure_ecs_facts.tiers import TIER_TAG
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import (
    MISSING,
    config_value,
    integer,
    is_true,
    is_unknown,
    items,
    lookup,
    text,
)

PUBLIC_TIER_TAG: Final = TIER_TAG
"""Tag that declares a subnet as a load-balancer (public) subnet: ``secure-ecs:tier = public``."""

def is_open_cidr(value: object) -> bool:
    """Any spelling of "everyone": 0.0.0.0/0, ::/0, ::0/0, 0.0.0.0/00 ..."""
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.ip_network(value.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _declared_public(args: ResourceValidationArgs) -> bool:
    for tags_property in ("tags", "tagsAll"):
        if text(lookup(args.props, tags_property, PUBLIC_TIER_TAG)) == "public":
            return True
    allowed = {str(name) for name in config_value(args.get_config(), "publicSubnetNames", [])}
    return args.name in allowed


def _subnet_maps_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.SUBNET:
        return
    mapping = lookup(args.props, "mapPublicIpOnLaunch")
    if is_unknown(mapping):
        not_checked("mapPublicIpOnLaunch")
    elif is_true(mapping) and not _declared_public(args):
        report(
            "mapPublicIpOnLaunch is true on a subnet not declared for the load balancer "
            f"(tag {PUBLIC_TIER_TAG}=public or config publicSubnetNames).",
            None,
        )


subnet_no_public_ip = resource_policy(
    "subnet-no-public-ip",
    "Subnets must not give launched interfaces public IPs, except subnets declared for the load balancer.",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.15", "CKV_AWS_130"),
    remediation=(
        "Set mapPublicIpOnLaunch to false. If the subnet really is a load-balancer subnet that needs it, "
        f"tag it {PUBLIC_TIER_TAG}=public or list its resource name in this policy's publicSubnetNames."
    ),
    validate=_subnet_maps_public_ip,
    unset="mapPublicIpOnLaunch defaults to false for a subnet the stack creates: passes.",
    config={
        "publicSubnetNames": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Pulumi resource names of subnets allowed to map public IPs (load-balancer tier).",
        }
    },
)


def _explicit_public_ip(value: Any, report: ReportViolation, where: str) -> bool | None:
    """Judge an explicit associatePublicIpAddress (an unknown one is noted); None when unset: the subnet decides."""
    if is_unknown(value):
        not_checked(where)
        return False
    if value is MISSING or value is None:
        return None
    if is_true(value):
        report(f"{where} is true.", None)
    return is_true(value)


def _instance_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.EC2_INSTANCE:
        return
    flag = lookup(args.props, "associatePublicIpAddress")
    if _explicit_public_ip(flag, report, "associatePublicIpAddress") is not None:
        return
    # With no subnet, interface or launch template, EC2 picks a default subnet of the default VPC, which maps
    # public IPs. A declared subnet is judged by public-ip-from-subnet, which sees the subnet resource.
    placed_by = ("subnetId", "networkInterfaces", "launchTemplate")
    if all(lookup(args.props, prop) is MISSING for prop in placed_by):
        report(
            "the instance names no subnet, so it launches into a default subnet of the default VPC, which maps "
            "public IPs, and associatePublicIpAddress is not false.",
            None,
        )


ec2_instance_no_public_ip = resource_policy(
    "ec2-instance-no-public-ip",
    "EC2 instances must not have a public IP address.",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.9", "CKV_AWS_88"),
    remediation=(
        "Set associatePublicIpAddress to false, launch into a private subnet (subnetId) and reach the instance "
        "through SSM or a private path."
    ),
    validate=_instance_public_ip,
    unset=(
        "associatePublicIpAddress follows the subnet; with no subnetId the default VPC's default subnets map "
        "public IPs, so an instance with neither is flagged (a declared subnet is judged by public-ip-from-subnet)."
    ),
)


def _launch_template_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.LAUNCH_TEMPLATE:
        return
    for index, interface in enumerate(items(lookup(args.props, "networkInterfaces"))):
        # The provider types this flag as a string ("true"/"false").
        where = f"networkInterfaces[{index}].associatePublicIpAddress"
        _explicit_public_ip(lookup(interface, "associatePublicIpAddress"), report, where)


launch_template_no_public_ip = resource_policy(
    "launch-template-no-public-ip",
    "Launch templates must not give network interfaces a public IP address.",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.25", "CKV_AWS_88"),
    remediation='Set networkInterfaces[].associatePublicIpAddress to "false".',
    validate=_launch_template_public_ip,
    unset=(
        "an unset flag follows the subnet the instances launch into, which public-ip-from-subnet judges through "
        "the Auto Scaling groups and instances that use the template: passes here."
    ),
)


def _launch_configuration_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == tokens.LAUNCH_CONFIGURATION:
        _explicit_public_ip(lookup(args.props, "associatePublicIpAddress"), report, "associatePublicIpAddress")


launch_configuration_no_public_ip = resource_policy(
    "launch-configuration-no-public-ip",
    "Launch configurations must not give instances a public IP address.",
    severity=Severity.CRITICAL,
    controls=("FSBP AutoScaling.5", "CKV_AWS_88"),
    remediation=(
        "Set associatePublicIpAddress to false (better: replace the launch configuration with a launch template, "
        "AWS no longer adds features to launch configurations)."
    ),
    validate=_launch_configuration_public_ip,
    unset=(
        "an unset flag follows the subnet, which public-ip-from-subnet judges through the Auto Scaling groups "
        "that use the configuration: passes here."
    ),
)


# -- public IPs inherited from subnets (stack: only the graph links an instance to its subnet) --


def _unset(value: Any) -> bool:
    return value is MISSING or value is None


def _template_leaves_ip_to_subnet(template: PolicyResource) -> bool:
    interfaces = items(lookup(template.props, "networkInterfaces"))
    return not interfaces or any(_unset(lookup(i, "associatePublicIpAddress")) for i in interfaces)


def _public_subnets(subnets: list[PolicyResource]) -> list[str]:
    """Names of the subnets that map public IPs; unknown flags are recorded as not checked."""
    public: list[str] = []
    for subnet in subnets:
        mapping = lookup(subnet.props, "mapPublicIpOnLaunch")
        if is_unknown(mapping):
            not_checked(f"{subnet.name} mapPublicIpOnLaunch")
        elif is_true(mapping):
            public.append(subnet.name)
    return public


def _inherited_public_ips(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for instance in view.of_type(tokens.EC2_INSTANCE):
        if not _unset(lookup(instance.props, "associatePublicIpAddress")):
            continue
        public = _public_subnets(view.linked(instance, "subnetId", tokens.SUBNET))
        if public:
            report(
                f"instance {instance.name} launches into subnet {', '.join(public)}, which maps public IPs, and "
                "does not set associatePublicIpAddress to false.",
                instance.urn,
            )
    for group in view.of_type(tokens.AUTOSCALING_GROUP):
        launchers = [
            c
            for c in view.linked(group, "launchConfiguration", tokens.LAUNCH_CONFIGURATION)
            if _unset(lookup(c.props, "associatePublicIpAddress"))
        ] + [
            t
            for t in view.linked(group, "launchTemplate", tokens.LAUNCH_TEMPLATE)
            + view.linked(group, "mixedInstancesPolicy", tokens.LAUNCH_TEMPLATE)
            if _template_leaves_ip_to_subnet(t)
        ]
        if not launchers:
            continue
        zones = lookup(group.props, "vpcZoneIdentifiers")
        if _unset(zones) or zones == []:
            where = "default subnets of the default VPC (no vpcZoneIdentifiers), which map public IPs"
        else:
            public = _public_subnets(view.linked(group, "vpcZoneIdentifiers", tokens.SUBNET))
            if not public:
                continue
            where = f"subnet {', '.join(public)}, which maps public IPs"
        for launcher in launchers:
            report(
                f"Auto Scaling group {group.name} launches {launcher.name} into {where}; {launcher.name} does not set "
                "associatePublicIpAddress to false.",
                launcher.urn,
            )


public_ip_from_subnet = stack_policy(
    "public-ip-from-subnet",
    "Instances, launch templates and launch configurations that leave associatePublicIpAddress unset must not "
    "launch into subnets that map public IPs (declared in the stack, or the default VPC's).",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.9", "FSBP EC2.25", "FSBP AutoScaling.5", "CKV_AWS_88"),
    remediation=(
        "Set associatePublicIpAddress to false (launch templates: on every network interface), or launch into "
        "private subnets; give an Auto Scaling group vpcZoneIdentifiers so it does not use the default VPC."
    ),
    validate=_inherited_public_ips,
    unset=(
        "an unset associatePublicIpAddress takes the subnet's mapPublicIpOnLaunch (false unless set on a declared "
        "subnet, true on the default VPC's subnets an Auto Scaling group without vpcZoneIdentifiers uses): flagged "
        "when that subnet maps public IPs."
    ),
)


# -- open ingress (stack: only the graph shows which security groups belong to a load balancer) --


def _ports_allowed(protocol: Any, from_port: Any, to_port: Any, allowed_ports: set[int]) -> bool | None:
    """Whether a rule is limited to allowed TCP ports; None when ports are not known yet."""
    if is_unknown(protocol) or is_unknown(from_port) or is_unknown(to_port):
        return None
    if (text(protocol) or "").lower() not in {"tcp", "6"}:
        return False
    low, high = integer(from_port), integer(to_port)
    if low is None or high is None:
        return False
    if high < low or high - low > len(allowed_ports):
        return False
    return all(port in allowed_ports for port in range(low, high + 1))


def _open_cidrs(owner: str, *values: Any) -> list[str]:
    found: list[str] = []
    for value in values:
        candidates = items(value) if not isinstance(value, str) else [value]
        if is_unknown(value) or any(is_unknown(c) for c in candidates):
            not_checked(f"{owner} ingress CIDR ranges")
        found.extend(c for c in candidates if is_open_cidr(c))
    return found


WORKLOAD_GROUP_INPUTS: Final = (
    (tokens.ECS_SERVICE, "networkConfiguration"),
    (tokens.EC2_INSTANCE, "vpcSecurityGroupIds"),
    (tokens.EC2_INSTANCE, "securityGroups"),
    (tokens.LAUNCH_TEMPLATE, "vpcSecurityGroupIds"),
    (tokens.LAUNCH_TEMPLATE, "networkInterfaces"),
    (tokens.LAUNCH_CONFIGURATION, "securityGroups"),
    (tokens.RDS_INSTANCE, "vpcSecurityGroupIds"),
)
"""Inputs through which a security group reaches something other than a load balancer."""


def _balancer_ports(view: StackView, allowed_ports: set[int]) -> tuple[dict[int, set[int]], set[int]]:
    """Security groups used by load balancers only, with the TCP ports each may open to everyone, and the
    groups that load balancers share with a workload.

    A load balancer's group may open the configured ports and the ports of its own listeners (an awsx
    ApplicationLoadBalancer opens its listener port, e.g. 8080). A group that also sits on tasks,
    instances or databases gets no exception: they would be reachable from the internet directly.
    """
    workload_groups = {
        id(group)
        for type_token, prop in WORKLOAD_GROUP_INPUTS
        for user in view.of_type(type_token)
        for group in view.linked(user, prop, tokens.SECURITY_GROUP)
    }
    ports: dict[int, set[int]] = {}
    shared: set[int] = set()
    for balancer in view.of_type(*tokens.LOAD_BALANCERS):
        listener_ports = {
            port
            for listener in view.referrers(balancer, "loadBalancerArn", *tokens.LISTENERS)
            if (port := integer(lookup(listener.props, "port"))) is not None
        }
        for group in view.linked(balancer, "securityGroups", tokens.SECURITY_GROUP):
            if id(group) in workload_groups:
                shared.add(id(group))
            else:
                ports.setdefault(id(group), set(allowed_ports)).update(listener_ports)
    return ports, shared


def _public_ingress(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    allowed_ports = {p for p in config_value(args.get_config(), "loadBalancerPorts", [80, 443]) if isinstance(p, int)}
    balancer_ports, shared_groups = _balancer_ports(view, allowed_ports)

    def judge(group: PolicyResource | None, rule: Any, cidrs: list[str], protocol_key: str, urn: str) -> None:
        if not cidrs:
            return
        protocol, low, high = (lookup(rule, protocol_key), lookup(rule, "fromPort"), lookup(rule, "toPort"))
        ports = balancer_ports.get(id(group)) if group is not None else None
        verdict = _ports_allowed(protocol, low, high, ports) if ports is not None else False
        if verdict is None:
            not_checked(f"{group.name if group else urn} ingress ports")
        if verdict is False:
            if ports is not None:
                where = "a load balancer's security group"
            elif id(group) in shared_groups:
                where = "a security group the load balancer shares with the tasks, instances or databases behind it"
            else:
                where = "a security group"
            allowed = sorted(ports) if ports is not None else sorted(allowed_ports)
            report(
                f"ingress from {', '.join(sorted(set(cidrs)))} (protocol {protocol}, ports "
                f"{integer(low)}-{integer(high)}) on "
                f"{where}; only load balancers may be open to the internet, on ports "
                f"{allowed}.",
                urn,
            )

    for group in view.of_type(tokens.SECURITY_GROUP, tokens.DEFAULT_SECURITY_GROUP):
        for rule in items(lookup(group.props, "ingress")):
            cidrs = _open_cidrs(group.name, lookup(rule, "cidrBlocks"), lookup(rule, "ipv6CidrBlocks"))
            judge(group, rule, cidrs, "protocol", group.urn)
    for rule_resource in view.of_type(tokens.SECURITY_GROUP_RULE):
        if text(lookup(rule_resource.props, "type")) != "ingress":
            continue
        owners = view.linked(rule_resource, "securityGroupId", tokens.SECURITY_GROUP)
        cidrs = _open_cidrs(
            rule_resource.name, lookup(rule_resource.props, "cidrBlocks"), lookup(rule_resource.props, "ipv6CidrBlocks")
        )
        judge(owners[0] if owners else None, rule_resource.props, cidrs, "protocol", rule_resource.urn)
    for rule_resource in view.of_type(tokens.SECURITY_GROUP_INGRESS_RULE):
        owners = view.linked(rule_resource, "securityGroupId", tokens.SECURITY_GROUP)
        cidrs = _open_cidrs(
            rule_resource.name, lookup(rule_resource.props, "cidrIpv4"), lookup(rule_resource.props, "cidrIpv6")
        )
        judge(owners[0] if owners else None, rule_resource.props, cidrs, "ipProtocol", rule_resource.urn)


security_group_no_public_ingress = stack_policy(
    "security-group-no-public-ingress",
    "No ingress from 0.0.0.0/0 or ::/0, except to a load balancer's security group on its listener ports.",
    severity=Severity.HIGH,
    controls=("FSBP EC2.18", "FSBP EC2.19", "CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260"),
    remediation=(
        "Allow ingress only from the security groups that need it (e.g. the task group from the ALB group); "
        "open the internet only to the load balancer's group, on TCP 443 (and 80 for the HTTPS redirect)."
    ),
    validate=_public_ingress,
    unset=(
        "ingress with no cidrBlocks admits no one from the internet: passes; a rule with unset ports or protocol "
        "is judged as all ports."
    ),
    config={
        "loadBalancerPorts": {
            "type": "array",
            "items": {"type": "integer"},
            "default": [80, 443],
            "description": "TCP ports a load balancer's security group may open to the internet.",
        }
    },
)


def _vpcs_without_flow_logs(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    covered = {id(vpc) for log in view.of_type(tokens.FLOW_LOG) for vpc in view.linked(log, "vpcId", tokens.VPC)}
    for vpc in view.of_type(tokens.VPC):
        if id(vpc) not in covered:
            report(f"VPC {vpc.name} has no flow log (no aws:ec2/flowLog:FlowLog takes its vpcId).", vpc.urn)


vpc_flow_logs = stack_policy(
    "vpc-flow-logs",
    "Every VPC must have a flow log.",
    severity=Severity.MEDIUM,
    controls=("FSBP EC2.6", "CKV2_AWS_11"),
    remediation=(
        "Add an aws.ec2.FlowLog with vpc_id=<the VPC's id output> and traffic_type ALL, delivering to a "
        "KMS-encrypted log group with retention (or an S3 bucket)."
    ),
    validate=_vpcs_without_flow_logs,
    unset="a VPC that no aws:ec2/flowLog names logs nothing (AWS has no default flow log): flagged.",
)

POLICIES: list[Policy] = [
    subnet_no_public_ip,
    ec2_instance_no_public_ip,
    launch_template_no_public_ip,
    launch_configuration_no_public_ip,
    public_ip_from_subnet,
    security_group_no_public_ingress,
    vpc_flow_logs,
]
