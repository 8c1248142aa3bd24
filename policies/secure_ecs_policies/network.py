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

from secure_ecs_policies import tokens
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.properties import (
    config_value,
    integer,
    is_true,
    is_unknown,
    items,
    lookup,
    text,
)

PUBLIC_TIER_TAG: Final = "secure-ecs:tier"
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
    if is_true(lookup(args.props, "mapPublicIpOnLaunch")) and not _declared_public(args):
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
    config={
        "publicSubnetNames": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Pulumi resource names of subnets allowed to map public IPs (load-balancer tier).",
        }
    },
)


def _instance_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    # Unset means "inherit the subnet's mapPublicIpOnLaunch", which subnet-no-public-ip covers.
    if args.resource_type == tokens.EC2_INSTANCE and is_true(lookup(args.props, "associatePublicIpAddress")):
        report("associatePublicIpAddress is true.", None)


ec2_instance_no_public_ip = resource_policy(
    "ec2-instance-no-public-ip",
    "EC2 instances must not have a public IP address.",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.9", "CKV_AWS_88"),
    remediation="Set associatePublicIpAddress to false and reach the instance through SSM or a private path.",
    validate=_instance_public_ip,
)


def _launch_template_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.LAUNCH_TEMPLATE:
        return
    for index, interface in enumerate(items(lookup(args.props, "networkInterfaces"))):
        # The provider types this flag as a string ("true"/"false").
        if is_true(lookup(interface, "associatePublicIpAddress")):
            report(f"networkInterfaces[{index}].associatePublicIpAddress is true.", None)


launch_template_no_public_ip = resource_policy(
    "launch-template-no-public-ip",
    "Launch templates must not give network interfaces a public IP address.",
    severity=Severity.CRITICAL,
    controls=("FSBP EC2.25", "CKV_AWS_88"),
    remediation='Set networkInterfaces[].associatePublicIpAddress to "false" (or leave it unset).',
    validate=_launch_template_public_ip,
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


def _open_cidrs(*values: Any) -> list[str]:
    found: list[str] = []
    for value in values:
        candidates = items(value) if not isinstance(value, str) else [value]
        found.extend(c for c in candidates if is_open_cidr(c))
    return found


def _public_ingress(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    allowed_ports = {p for p in config_value(args.get_config(), "loadBalancerPorts", [80, 443]) if isinstance(p, int)}
    balancer_groups = [
        group
        for balancer in view.of_type(*tokens.LOAD_BALANCERS)
        for group in view.linked(balancer, "securityGroups", tokens.SECURITY_GROUP)
    ]

    def judge(group: PolicyResource | None, rule: Any, cidrs: list[str], protocol_key: str, urn: str) -> None:
        if not cidrs:
            return
        protocol, low, high = (lookup(rule, protocol_key), lookup(rule, "fromPort"), lookup(rule, "toPort"))
        on_balancer = group is not None and any(group is g for g in balancer_groups)
        verdict = _ports_allowed(protocol, low, high, allowed_ports) if on_balancer else False
        if verdict is False:
            where = "a load balancer's security group" if on_balancer else "a security group"
            report(
                f"ingress from {', '.join(sorted(set(cidrs)))} (protocol {protocol}, ports "
                f"{integer(low)}-{integer(high)}) on "
                f"{where}; only load balancers may be open to the internet, on ports "
                f"{sorted(allowed_ports)}.",
                urn,
            )

    for group in view.of_type(tokens.SECURITY_GROUP, tokens.DEFAULT_SECURITY_GROUP):
        for rule in items(lookup(group.props, "ingress")):
            cidrs = _open_cidrs(lookup(rule, "cidrBlocks"), lookup(rule, "ipv6CidrBlocks"))
            judge(group, rule, cidrs, "protocol", group.urn)
    for rule_resource in view.of_type(tokens.SECURITY_GROUP_RULE):
        if text(lookup(rule_resource.props, "type")) != "ingress":
            continue
        owners = view.linked(rule_resource, "securityGroupId", tokens.SECURITY_GROUP)
        cidrs = _open_cidrs(lookup(rule_resource.props, "cidrBlocks"), lookup(rule_resource.props, "ipv6CidrBlocks"))
        judge(owners[0] if owners else None, rule_resource.props, cidrs, "protocol", rule_resource.urn)
    for rule_resource in view.of_type(tokens.SECURITY_GROUP_INGRESS_RULE):
        owners = view.linked(rule_resource, "securityGroupId", tokens.SECURITY_GROUP)
        cidrs = _open_cidrs(lookup(rule_resource.props, "cidrIpv4"), lookup(rule_resource.props, "cidrIpv6"))
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
    covered = [vpc for log in view.of_type(tokens.FLOW_LOG) for vpc in view.linked(log, "vpcId", tokens.VPC)]
    for vpc in view.of_type(tokens.VPC):
        if not any(vpc is c for c in covered):
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
)

POLICIES: list[Policy] = [
    subnet_no_public_ip,
    ec2_instance_no_public_ip,
    launch_template_no_public_ip,
    security_group_no_public_ingress,
    vpc_flow_logs,
]
