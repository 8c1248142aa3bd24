"""EndpointSet: the VPC endpoints private Fargate tasks need when there is no NAT gateway."""

import re
from collections.abc import Mapping, Sequence
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws

from secure_ecs_components.aws_context import AwsContext, current_aws_context
from secure_ecs_components.endpoint_policies import account_only_policy, s3_gateway_policy
from secure_ecs_components.spec import Arg, ArgSpec
from secure_ecs_components.tags import merged_tags
from secure_ecs_facts.endpoint_services import (
    FARGATE_AGENT_SERVICES,
    OPTIONAL_INTERFACE_SERVICES,
    REGIONS_NEEDING_FARGATE_AGENT_ENDPOINTS,
    REQUIRED_INTERFACE_SERVICES,
)

COMPONENT = "EndpointSet"

HTTPS_PORT = 443
SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9.-]*")


class EndpointSetArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC the endpoints serve. Required."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Subnets for the interface endpoints' network interfaces: one per AZ for resilience, one
    subnet for a cheap dev stack. Required."""
    route_table_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Route tables that get the S3 gateway endpoint (the private ones, e.g. `PrivateNetwork`'s
    `privateRouteTableIds`). Required."""
    consumer_security_group_ids: Sequence[pulumi.Input[str]]
    """Security groups allowed to reach the endpoints on 443. Default: none (consumers such as
    `SecureFargateService` add their own rule)."""
    extra_services: Sequence[str]
    """Interface endpoints beyond ecr.api, ecr.dkr and logs, e.g. `secretsmanager`, `kms`,
    `ssmmessages`. `ecs`, `ecs-agent` and `ecs-telemetry` are added by themselves in regions that
    need them (launched from December 2023 on, e.g. ca-west-1). Default: none."""
    allow_unlisted_services: bool
    """Accept `extra_services` outside the list this component knows (e.g. `sqs`, `bedrock-runtime`);
    each must still be an interface endpoint of the region. Default: false."""
    s3_bucket_names: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Buckets of this account reachable through the S3 gateway besides ECR's layer bucket. Default: none."""
    restrict_to_account: pulumi.Input[bool]
    """Attach endpoint policies limiting callers and resources to this account. Default: true."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    """Tags for every resource. Default: none."""


def _services_rule(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    extra = list(values["extra_services"] or ())
    if len(set(extra)) != len(extra):
        return ("extra_services", extra, "list each service once")
    if set(extra) & set(REQUIRED_INTERFACE_SERVICES):
        return ("extra_services", extra, f"{', '.join(REQUIRED_INTERFACE_SERVICES)} are always created; drop them")
    if not values["allow_unlisted_services"]:
        unknown = [s for s in extra if s not in OPTIONAL_INTERFACE_SERVICES]
        if unknown:
            return (
                "extra_services",
                extra,
                f"{', '.join(unknown)} not offered; choose from {', '.join(OPTIONAL_INTERFACE_SERVICES)} "
                "(or set allow_unlisted_services)",
            )
    return None


SPEC = ArgSpec(
    COMPONENT,
    EndpointSetArgs,
    {
        "vpc_id": Arg(wired=True),
        "subnet_ids": Arg(wired=True),
        "route_table_ids": Arg(wired=True),
        "consumer_security_group_ids": Arg(wired=True),
        "extra_services": Arg(
            check=lambda services: next(
                (f"'{s}' is not a service name such as 'sqs'" for s in services if not SERVICE_NAME.fullmatch(s)), None
            )
        ),
        "allow_unlisted_services": Arg(default=False),
        "s3_bucket_names": Arg(),
        "restrict_to_account": Arg(default=True),
        "tags": Arg(wired=True),
    },
    rules=[_services_rule],
)


class EndpointSet(pulumi.ComponentResource):
    """Interface endpoints with private DNS behind one security group, plus the S3 gateway endpoint."""

    security_group_id: pulumi.Output[str]
    """Security group of the interface endpoints (443 from consumers only)."""
    interface_endpoint_ids: pulumi.Output[dict[str, str]]
    """Interface endpoint IDs by service short name (e.g. `ecr.api`)."""
    s3_endpoint_id: pulumi.Output[str]
    """ID of the S3 gateway endpoint."""
    s3_prefix_list_id: pulumi.Output[str]
    """Managed prefix list of S3 in this region, for egress rules to the gateway endpoint."""

    def __init__(self, name: str, args: EndpointSetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        values = SPEC.resolve(name, args)
        super().__init__(f"secure-ecs:index:{COMPONENT}", name, {}, opts)
        services = [*REQUIRED_INTERFACE_SERVICES, *(values["extra_services"] or ())]
        # Resolved now: which endpoints exist depends on it, and an `apply` must not create resources.
        region_name = aws.get_region(opts=pulumi.InvokeOptions(parent=self)).region
        if region_name in REGIONS_NEEDING_FARGATE_AGENT_ENDPOINTS:
            services += [s for s in FARGATE_AGENT_SERVICES if s not in services]
        tags = values["tags"]
        context = current_aws_context(self)
        restrict = pulumi.Output.from_input(values["restrict_to_account"])

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=values["vpc_id"],
            description="VPC interface endpoints: HTTPS from consumer security groups only",
            revoke_rules_on_delete=True,
            tags=merged_tags(tags, Name=f"{name}-endpoints"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for index, consumer in enumerate(values["consumer_security_group_ids"] or ()):
            self.admit(f"{name}-from-consumer-{index}", consumer)
        self._create_interface_endpoints(
            name, values=values, services=services, restrict=restrict, context=context, tags=tags
        )
        self._create_s3_gateway(name, values=values, restrict=restrict, context=context, tags=tags)

        self.security_group_id = self.security_group.id
        self.interface_endpoint_ids = pulumi.Output.all(
            **{service: endpoint.id for service, endpoint in self.interface_endpoints.items()}
        )
        self.s3_endpoint_id = self.s3_endpoint.id
        self.s3_prefix_list_id = self.s3_endpoint.prefix_list_id
        self.register_outputs(
            {
                "security_group_id": self.security_group_id,
                "interface_endpoint_ids": self.interface_endpoint_ids,
                "s3_endpoint_id": self.s3_endpoint_id,
                "s3_prefix_list_id": self.s3_prefix_list_id,
            }
        )

    def _create_interface_endpoints(
        self,
        name: str,
        *,
        values: Mapping[str, Any],
        services: Sequence[str],
        restrict: pulumi.Output[bool],
        context: AwsContext,
        tags: pulumi.Input[Mapping[str, str]] | None,
    ) -> None:
        policy = pulumi.Output.all(restrict, context.account_id).apply(
            lambda v: account_only_policy(v[1]) if v[0] else None
        )
        self.interface_endpoints: dict[str, aws.ec2.VpcEndpoint] = {
            service: aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=values["vpc_id"],
                service_name=_service_name(context.region, service),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=values["subnet_ids"],
                security_group_ids=[self.security_group.id],
                policy=policy,
                tags=merged_tags(tags, Name=f"{name}-{service}"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for service in services
        }

    def _create_s3_gateway(
        self,
        name: str,
        *,
        values: Mapping[str, Any],
        restrict: pulumi.Output[bool],
        context: AwsContext,
        tags: pulumi.Input[Mapping[str, str]] | None,
    ) -> None:
        buckets = pulumi.Output.from_input(values["s3_bucket_names"] or [])
        policy = pulumi.Output.all(restrict, context.account_id, context.region, context.partition, buckets).apply(
            lambda v: s3_gateway_policy(v[1], v[2], v[3], list(v[4])) if v[0] else None
        )
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=values["vpc_id"],
            service_name=_service_name(context.region, "s3"),
            vpc_endpoint_type="Gateway",
            route_table_ids=values["route_table_ids"],
            policy=policy,
            tags=merged_tags(tags, Name=f"{name}-s3"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def admit(self, rule_name: str, consumer_security_group_id: pulumi.Input[str]) -> aws.vpc.SecurityGroupIngressRule:
        """Let one more security group reach the interface endpoints on 443."""
        return aws.vpc.SecurityGroupIngressRule(
            rule_name,
            security_group_id=self.security_group.id,
            referenced_security_group_id=consumer_security_group_id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="HTTPS to AWS service endpoints",
            opts=pulumi.ResourceOptions(parent=self.security_group),
        )


def _service_name(region: pulumi.Output[str], service: str) -> pulumi.Output[str]:
    return region.apply(lambda r: f"com.amazonaws.{r}.{service}")
