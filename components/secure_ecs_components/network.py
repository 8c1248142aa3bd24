"""PrivateNetwork: a VPC whose only public subnets are for the load balancer."""

import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import pulumi
import pulumi_aws as aws

from secure_ecs_components.aws_context import AwsContext, current_aws_context
from secure_ecs_components.encryption import customer_managed_key
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.log_group import encrypted_log_group
from secure_ecs_components.naming import require_auto_name_room
from secure_ecs_components.spec import Arg, ArgSpec
from secure_ecs_components.subnet_layout import (
    TIERS,
    SubnetLayout,
    SubnetLayoutError,
    check_explicit_subnets,
    plan_subnets,
)
from secure_ecs_components.tags import TIER_TAG, merged_tags
from secure_ecs_components.validation import log_retention

COMPONENT = "PrivateNetwork"
# The auto-named child whose AWS name limit bounds the component name.
AUTO_NAMED_CHILDREN = {"-flow-logs-role": "aws:iam/role:Role"}
MIN_AZS, MAX_AZS = 2, 6


class Egress(enum.StrEnum):
    """How tasks in the private subnets reach the internet."""

    NONE = "none"
    """No route out: AWS services only, through VPC endpoints."""
    NAT_SINGLE = "nat-single"
    """One NAT gateway shared by every AZ (cheaper; egress fails with its AZ)."""
    NAT_PER_AZ = "nat-per-az"
    """One NAT gateway per AZ."""


class SubnetPrefixes(TypedDict, total=False):
    """Prefix length of each tier's subnets when ranges are carved automatically."""

    public: int
    """Prefix length of each public (load balancer) subnet, /16 to /28. Default: 24."""
    private: int
    """Prefix length of each private (task) subnet, /16 to /28. Default: 20."""
    data: int
    """Prefix length of each isolated (database) subnet, /16 to /28. Default: 24."""


class SubnetCidrs(TypedDict):
    """Explicit subnet ranges per tier, one per AZ."""

    public: Sequence[str]
    """Load balancer subnets, one range per AZ. Required."""
    private: Sequence[str]
    """Task subnets, one range per AZ. Required."""
    data: Sequence[str]
    """Database subnets, one range per AZ. Required."""


class PrivateNetworkArgs(TypedDict, total=False):
    cidr_block: str
    """IPv4 range of the VPC: RFC 1918, /16 to /28. Default: "10.0.0.0/16"."""
    availability_zone_count: int
    """How many AZs to span, 2 to 6 (an ALB needs two). Default: 2."""
    subnet_prefixes: SubnetPrefixes
    """Sizes of the automatically carved subnets. Default: public /24, private /20, data /24."""
    subnet_cidrs: SubnetCidrs
    """Explicit ranges per tier, one per AZ, inside the VPC, not overlapping, instead of carving.
    Default: carved."""
    egress: Egress
    """Internet egress for the private subnets; data subnets never get a route out. Default: "none"."""
    flow_log_retention_days: pulumi.Input[int]
    """Days to keep VPC flow logs (a CloudWatch Logs retention period). Default: 365."""
    protect_stateful: bool
    """Protect the flow-log group and its key: `pulumi destroy` refuses to delete them, and removing
    them from the program leaves them in AWS. Default: true."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    """Tags for every resource. Default: none."""


SUBNET_PREFIXES_SPEC = ArgSpec(
    COMPONENT,
    SubnetPrefixes,
    {tier: Arg(default=size, minimum=16, maximum=28) for tier, size in (("public", 24), ("private", 20), ("data", 24))},
)
SUBNET_CIDRS_SPEC = ArgSpec(COMPONENT, SubnetCidrs, {tier: Arg() for tier in TIERS})


def _value_at(values: Mapping[str, Any], path: str) -> Any:
    current: Any = values
    for step in path.split("."):
        current = current.get(step) if isinstance(current, Mapping) else None
    return current


def subnet_layout(values: Mapping[str, Any]) -> SubnetLayout:
    """The subnets the arguments describe; raises `SubnetLayoutError` naming the argument at fault."""
    explicit = values["subnet_cidrs"]
    if explicit is not None:
        ranges = {tier: explicit[tier] for tier in TIERS}
        return check_explicit_subnets(values["cidr_block"], values["availability_zone_count"], ranges)
    prefixes = SUBNET_PREFIXES_SPEC.filled(values["subnet_prefixes"] or {})
    return plan_subnets(values["cidr_block"], values["availability_zone_count"], prefixes)


def _layout_rule(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    if values["subnet_cidrs"] is not None and values["subnet_prefixes"] is not None:
        return ("subnet_cidrs", values["subnet_cidrs"], "`subnet_prefixes` is set too; give ranges or prefixes")
    try:
        subnet_layout(values)
    except SubnetLayoutError as exc:
        return (exc.field, _value_at(values, exc.field), str(exc))
    return None


SPEC = ArgSpec(
    COMPONENT,
    PrivateNetworkArgs,
    {
        "cidr_block": Arg(default="10.0.0.0/16"),
        "availability_zone_count": Arg(default=2, minimum=MIN_AZS, maximum=MAX_AZS),
        "subnet_prefixes": Arg(),
        "subnet_cidrs": Arg(),
        "egress": Arg(default=Egress.NONE.value),
        "flow_log_retention_days": Arg(default=365, check=log_retention),
        "protect_stateful": Arg(default=True, wired=True),
        "tags": Arg(wired=True),
    },
    rules=[_layout_rule],
    nested={"subnet_prefixes": SUBNET_PREFIXES_SPEC, "subnet_cidrs": SUBNET_CIDRS_SPEC},
)


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
        require_auto_name_room(COMPONENT, name, AUTO_NAMED_CHILDREN)
        values = SPEC.resolve(name, args)
        layout = subnet_layout(values)
        super().__init__(f"secure-ecs:index:{COMPONENT}", name, {}, opts)
        protect: bool = values["protect_stateful"]
        tags = values["tags"]
        zones = _availability_zones(self, name, values["availability_zone_count"])

        self._create_vpc(name, layout, zones, tags)
        self._create_routes(name, values["egress"], zones, tags)
        self._flow_logs(name, current_aws_context(self), values["flow_log_retention_days"], protect, tags)
        self._publish_outputs(zones)

    def _create_vpc(
        self, name: str, layout: SubnetLayout, zones: Sequence[str], tags: pulumi.Input[Mapping[str, str]] | None
    ) -> None:
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

    def _create_routes(
        self, name: str, egress: Egress, zones: Sequence[str], tags: pulumi.Input[Mapping[str, str]] | None
    ) -> None:
        az_count = len(zones)
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

    def _publish_outputs(self, zones: Sequence[str]) -> None:
        self.vpc_id = self.vpc.id
        self.vpc_cidr_block = self.vpc.cidr_block
        self.availability_zones = pulumi.Output.from_input(list(zones))
        # An internet-facing load balancer is refused in a VPC whose internet gateway is not attached
        # yet; carrying the gateway's id makes every consumer of these ids wait for it.
        self.public_subnet_ids = pulumi.Output.all(
            self.internet_gateway.id, *[s.id for s in self.subnets["public"]]
        ).apply(lambda ids: [str(i) for i in ids[1:]])
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
        self, name: str, egress: Egress, zones: Sequence[str], tags: pulumi.Input[Mapping[str, str]] | None
    ) -> list[aws.ec2.NatGateway]:
        count = {Egress.NONE: 0, Egress.NAT_SINGLE: 1, Egress.NAT_PER_AZ: len(zones)}[egress]
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
            protect=protect,
            tags=tags,
        )
        self.flow_log_group = encrypted_log_group(
            f"{name}-flow-logs",
            kms_key_arn=self.flow_log_key.arn,
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
        self.flow_log_delivery_policy = aws.iam.RolePolicy(
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
            # Delivery starts at once; without the role's policy in place the first deliveries fail.
            opts=pulumi.ResourceOptions(parent=self.vpc, depends_on=[self.flow_log_delivery_policy]),
        )


def _availability_zones(parent: pulumi.Resource, instance: str, count: int) -> list[str]:
    """The first `count` available AZs; resolved now because the subnet count depends on it."""
    zones = aws.get_availability_zones(
        state="available",
        filters=[{"name": "opt-in-status", "values": ["opt-in-not-required"]}],
        opts=pulumi.InvokeOptions(parent=parent),
    ).names
    if len(zones) < count:
        raise ComponentArgumentError(
            COMPONENT,
            "availability_zone_count",
            count,
            f"the region offers {len(zones)} AZs ({', '.join(zones)}); lower it",
            instance=instance,
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
