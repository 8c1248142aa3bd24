"""PrivateNetwork: a VPC whose only public subnets are for the load balancer."""


import json
from collections.abc import Mapping, Sequence
from typing import Required, TypedDict

import pulumi
import pulumi_aws as aws

from components.aws_context import AwsContext, current_aws_context
from components.encryption import customer_managed_key
from components.errors import ComponentArgumentError
from components.log_group import encrypted_log_group
from components.subnet_layout import (
    TIERS,
    SubnetLayout,
    SubnetLayoutError,
    check_explicit_subnets,
    plan_subnets,
)
from components.tags import TIER_TAG, merged_tags

EGRESS_MODES = ("none", "nat-single", "nat-per-az")
MIN_AZS, MAX_AZS = 2, 6
DEFAULT_SUBNET_PREFIXES = {"public": 24, "private": 20, "data": 24}


class SubnetCidrs(TypedDict):
    public: Sequence[str]
    private: Sequence[str]
    data: Sequence[str]


class PrivateNetworkArgs(TypedDict, total=False):
    cidr_block: Required[str]
    """IPv4 range of the VPC: RFC 1918, /16 to /28. Required."""
    availability_zone_count: int
    """How many AZs to span, 2 to 6 (an ALB needs two). Default 2."""
    subnet_prefixes: Mapping[str, int]
    """Prefix length per tier (`public`, `private`, `data`) when ranges are carved automatically.
    Default public /24, private /20, data /24."""
    subnet_cidrs: SubnetCidrs
    """Explicit ranges per tier, one per AZ, instead of automatic carving. Default: carved."""
    egress: str
    """Internet egress for the private subnets: `none` (default; AWS services through VPC endpoints),
    `nat-single` (one NAT gateway) or `nat-per-az`. Data subnets never get a route out."""
    flow_log_retention_days: pulumi.Input[int]
    """Days to keep VPC flow logs. Default 365."""
    protect_stateful: bool
    """Keep the flow-log group and its key if the stack is destroyed. Default False."""
    tags: pulumi.Input[Mapping[str, str]]
    """Tags for every resource. Default none."""


class PrivateNetwork(pulumi.ComponentResource):
    """VPC with public (ALB-only), private (tasks) and isolated (data) subnets and flow logs."""

    vpc_id: pulumi.Output[str]
    """ID of the VPC."""
    vpc_cidr_block: pulumi.Output[str]
    """IPv4 range of the VPC."""
    availability_zones: pulumi.Output[list[str]]
    """AZ names, in subnet order."""
    public_subnet_ids: pulumi.Output[list[str]]
    """Subnets for the internet-facing load balancer, one per AZ."""
    private_subnet_ids: pulumi.Output[list[str]]
    """Subnets for tasks, one per AZ; no internet route unless egress asks for NAT."""
    data_subnet_ids: pulumi.Output[list[str]]
    """Isolated subnets for databases, one per AZ; only the VPC-local route."""
    private_route_table_ids: pulumi.Output[list[str]]
    """Route tables of the private subnets (where gateway endpoints attach)."""
    nat_gateway_ids: pulumi.Output[list[str]]
    """NAT gateways (empty when egress is `none`)."""
    flow_log_id: pulumi.Output[str]
    """ID of the VPC flow log (all traffic)."""
    flow_log_group_name: pulumi.Output[str]
    """CloudWatch log group receiving the flow logs."""

    def __init__(self, name: str, args: PrivateNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("secure-ecs:index:PrivateNetwork", name, {}, opts)
        az_count = args.get("availability_zone_count", 2)
        egress = args.get("egress", "none")
        layout = _validated_layout(args, az_count, egress)
        protect = bool(args.get("protect_stateful", False))
        tags = args.get("tags")
        context = current_aws_context(self)
        zones = _availability_zones(self, az_count)

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=str(layout.vpc),
            enable_dns_support=True,
            enable_dns_hostnames=True,  # interface endpoints' private DNS needs both
            tags=merged_tags(tags, Name=f"{name}-vpc"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Strip every rule from the default security group so nothing can use it by accident.
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc.id,
            tags=merged_tags(tags, Name=f"{name}-default-sg-unused"),
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )
        self.subnets: dict[str, list[aws.ec2.Subnet]] = {
            tier: [
                aws.ec2.Subnet(
                    f"{name}-{tier}-{zone[-1]}",
                    vpc_id=self.vpc.id,
                    cidr_block=str(cidr),
                    availability_zone=zone,
                    # Even the ALB's subnets hand out no public IPs: the ALB gets its own addresses.
                    map_public_ip_on_launch=False,
                    tags=merged_tags(tags, Name=f"{name}-{tier}-{zone}", **{TIER_TAG: tier}),
                    opts=pulumi.ResourceOptions(parent=self.vpc),
                )
                for zone, cidr in zip(zones, layout.tier(tier), strict=True)
            ]
            for tier in TIERS
        }
        self.internet_gateway = aws.ec2.InternetGateway(
            f"{name}-igw",
            vpc_id=self.vpc.id,
            tags=merged_tags(tags, Name=f"{name}-igw"),
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )
        self.public_route_table = self._route_table(name, "public", tags)
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=self.public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=self.internet_gateway.id,
            opts=pulumi.ResourceOptions(parent=self.public_route_table),
        )
        self._associate(name, "public", [self.public_route_table] * az_count, zones)
        self.nat_gateways = self._nat_gateways(name, egress, zones, tags)
        self.private_route_tables = [self._route_table(name, f"private-{zone[-1]}", tags) for zone in zones]
        for index, table in enumerate(self.private_route_tables):
            if self.nat_gateways:
                aws.ec2.Route(
                    f"{name}-private-{zones[index][-1]}-nat",
                    route_table_id=table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=self.nat_gateways[min(index, len(self.nat_gateways) - 1)].id,
                    opts=pulumi.ResourceOptions(parent=table),
                )
        self._associate(name, "private", self.private_route_tables, zones)
        # One table with only the local route: the data tier can never reach out.
        self.data_route_table = self._route_table(name, "data", tags)
        self._associate(name, "data", [self.data_route_table] * az_count, zones)
        self._flow_logs(name, context, args.get("flow_log_retention_days", 365), protect, tags)

        self.vpc_id = self.vpc.id
        self.vpc_cidr_block = self.vpc.cidr_block
        self.availability_zones = pulumi.Output.from_input(list(zones))
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets["public"]])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets["private"]])
        self.data_subnet_ids = pulumi.Output.all(*[s.id for s in self.subnets["data"]])
        self.private_route_table_ids = pulumi.Output.all(*[t.id for t in self.private_route_tables])
        self.nat_gateway_ids = pulumi.Output.all(*[n.id for n in self.nat_gateways])
        self.flow_log_id = self.flow_log.id
        self.flow_log_group_name = self.flow_log_group.name
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "vpc_cidr_block": self.vpc_cidr_block,
                "availability_zones": self.availability_zones,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "data_subnet_ids": self.data_subnet_ids,
                "private_route_table_ids": self.private_route_table_ids,
                "nat_gateway_ids": self.nat_gateway_ids,
                "flow_log_id": self.flow_log_id,
                "flow_log_group_name": self.flow_log_group_name,
            }
        )

    def _route_table(self, name: str, suffix: str, tags: pulumi.Input[Mapping[str, str]] | None) -> aws.ec2.RouteTable:
        return aws.ec2.RouteTable(
            f"{name}-{suffix}-rt",
            vpc_id=self.vpc.id,
            tags=merged_tags(tags, Name=f"{name}-{suffix}"),
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )

    def _associate(self, name: str, tier: str, tables: Sequence[aws.ec2.RouteTable], zones: Sequence[str]) -> None:
        for subnet, table, zone in zip(self.subnets[tier], tables, zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-{tier}-{zone[-1]}-rta",
                subnet_id=subnet.id,
                route_table_id=table.id,
                opts=pulumi.ResourceOptions(parent=subnet),
            )

    def _nat_gateways(
        self, name: str, egress: str, zones: Sequence[str], tags: pulumi.Input[Mapping[str, str]] | None
    ) -> list[aws.ec2.NatGateway]:
        count = {"none": 0, "nat-single": 1, "nat-per-az": len(zones)}[egress]
        gateways = []
        for zone, subnet in list(zip(zones, self.subnets["public"], strict=True))[:count]:
            address = aws.ec2.Eip(
                f"{name}-nat-{zone[-1]}-eip",
                domain="vpc",
                tags=merged_tags(tags, Name=f"{name}-nat-{zone}"),
                opts=pulumi.ResourceOptions(parent=subnet),
            )
            gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{zone[-1]}",
                    allocation_id=address.id,
                    subnet_id=subnet.id,
                    tags=merged_tags(tags, Name=f"{name}-nat-{zone}"),
                    opts=pulumi.ResourceOptions(parent=subnet, depends_on=[self.internet_gateway]),
                )
            )
        return gateways

    def _flow_logs(
        self,
        name: str,
        context: AwsContext,
        retention_days: pulumi.Input[int],
        protect: bool,
        tags: pulumi.Input[Mapping[str, str]] | None,
    ) -> None:
        self.flow_log_key = customer_managed_key(
            f"{name}-flow-logs-key",
            "Encrypts the VPC flow log group",
            context,
            self,
            for_log_groups=True,
            retain_on_delete=protect,
            tags=tags,
        )
        self.flow_log_group = encrypted_log_group(
            f"{name}-flow-logs",
            kms_key=self.flow_log_key,
            retention_in_days=retention_days,
            parent=self,
            protect=protect,
            tags=tags,
        )
        self.flow_log_role = aws.iam.Role(
            f"{name}-flow-logs-role",
            assume_role_policy=pulumi.Output.all(context.account_id, context.region, context.partition).apply(
                lambda v: _flow_log_trust_policy(v[0], v[1], v[2])
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self.flow_log_group),
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs-delivery",
            role=self.flow_log_role.id,
            policy=self.flow_log_group.arn.apply(_flow_log_delivery_policy),
            opts=pulumi.ResourceOptions(parent=self.flow_log_role),
        )
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=self.flow_log_role.arn,
            max_aggregation_interval=60,
            tags=merged_tags(tags, Name=f"{name}-flow-log"),
            opts=pulumi.ResourceOptions(parent=self.vpc),
        )


def _validated_layout(args: PrivateNetworkArgs, az_count: int, egress: str) -> SubnetLayout:
    component = "PrivateNetwork"
    if not isinstance(az_count, int) or isinstance(az_count, bool) or not MIN_AZS <= az_count <= MAX_AZS:
        raise ComponentArgumentError(component, "availability_zone_count", az_count, f"use {MIN_AZS} to {MAX_AZS}")
    if egress not in EGRESS_MODES:
        raise ComponentArgumentError(component, "egress", egress, f"use one of {', '.join(EGRESS_MODES)}")
    explicit = args.get("subnet_cidrs")
    if explicit is not None and "subnet_prefixes" in args:
        raise ComponentArgumentError(
            component, "subnet_cidrs", explicit, "`subnet_prefixes` is set too; give ranges or prefixes, not both"
        )
    try:
        if explicit is not None:
            ranges = {"public": explicit["public"], "private": explicit["private"], "data": explicit["data"]}
            return check_explicit_subnets(args["cidr_block"], az_count, ranges)
        prefixes = {**DEFAULT_SUBNET_PREFIXES, **dict(args.get("subnet_prefixes", {}))}
        return plan_subnets(args["cidr_block"], az_count, prefixes)
    except SubnetLayoutError as exc:
        argument = {"cidr": "cidr_block"}.get(exc.field, exc.field.replace("subnetPrefixes", "subnet_prefixes"))
        raise ComponentArgumentError(component, argument, args["cidr_block"], str(exc)) from None


def _availability_zones(parent: pulumi.Resource, count: int) -> list[str]:
    """The first `count` available AZs; resolved now because the subnet count depends on it."""
    zones = aws.get_availability_zones(
        state="available",
        filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
        opts=pulumi.InvokeOptions(parent=parent),
    ).names
    if len(zones) < count:
        raise ComponentArgumentError(
            "PrivateNetwork",
            "availability_zone_count",
            count,
            f"the region offers {len(zones)} AZs ({', '.join(zones)}); lower it",
        )
    return list(zones[:count])


def _flow_log_trust_policy(account_id: str, region: str, partition: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    # Confused-deputy guard: only flow logs of this account may assume the role.
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:{region}:{account_id}:vpc-flow-log/*"},
                    },
                }
            ],
        }
    )


def _flow_log_delivery_policy(log_group_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [log_group_arn, f"{log_group_arn}:*"],
                },
                # Delivery checks the destination first; this action has no resource-level scope.
                {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
            ],
        }
    )
