"""EndpointSet: the VPC endpoints private Fargate tasks need when there is no NAT gateway."""


from collections.abc import Mapping, Sequence
from typing import Required, TypedDict

import pulumi
import pulumi_aws as aws

from components.aws_context import current_aws_context
from components.endpoint_policies import account_only_policy, s3_gateway_policy
from components.errors import ComponentArgumentError
from components.tags import merged_tags

# What every Fargate task with no NAT needs: image auth, image pull, logs (S3 is the gateway endpoint).
REQUIRED_INTERFACE_SERVICES = ("ecr.api", "ecr.dkr", "logs")
# Services a stack may add: secrets (secretsmanager, kms, ssm), ECS Exec (ssmmessages), ECS agent
# traffic where the region routes it through endpoints (ecs, ecs-agent, ecs-telemetry), and others
# tasks commonly call.
OPTIONAL_INTERFACE_SERVICES = (
    "secretsmanager",
    "kms",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "ecs",
    "ecs-agent",
    "ecs-telemetry",
    "sts",
    "monitoring",
    "xray",
    "elasticfilesystem",
)
HTTPS_PORT = 443


class EndpointSetArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC the endpoints serve. Required."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Subnets for the interface endpoints' network interfaces: one per AZ for resilience, one
    subnet for a cheap dev stack. Required."""
    route_table_ids: Required[Sequence[pulumi.Input[str]]]
    """Route tables that get the S3 gateway endpoint (the private ones). Required."""
    consumer_security_group_ids: Sequence[pulumi.Input[str]]
    """Security groups allowed to reach the endpoints on 443. Default none: consumers such as
    `SecureFargateService` add their own rule."""
    extra_services: Sequence[str]
    """Interface endpoints beyond ecr.api, ecr.dkr and logs, e.g. `secretsmanager`, `kms`,
    `ssmmessages`. Default none."""
    s3_bucket_names: Sequence[pulumi.Input[str]]
    """Buckets of this account reachable through the S3 gateway besides ECR's layer bucket. Default none."""
    restrict_to_account: bool
    """Attach endpoint policies limiting callers and resources to this account. Default True."""
    tags: pulumi.Input[Mapping[str, str]]
    """Tags for every resource. Default none."""


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
        super().__init__("secure-ecs:index:EndpointSet", name, {}, opts)
        services = _validated_services(args.get("extra_services", ()))
        restrict = bool(args.get("restrict_to_account", True))
        tags = args.get("tags")
        context = current_aws_context(self)
        interface_policy = context.account_id.apply(account_only_policy) if restrict else None

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            vpc_id=args["vpc_id"],
            description="VPC interface endpoints: HTTPS from consumer security groups only",
            tags=merged_tags(tags, Name=f"{name}-endpoints"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for index, consumer in enumerate(args.get("consumer_security_group_ids", ())):
            self.admit(f"{name}-from-consumer-{index}", consumer)

        self.interface_endpoints: dict[str, aws.ec2.VpcEndpoint] = {
            service: aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=args["vpc_id"],
                service_name=_service_name(context.region, service),
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=args["subnet_ids"],
                security_group_ids=[self.security_group.id],
                policy=interface_policy,
                tags=merged_tags(tags, Name=f"{name}-{service}"),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for service in services
        }
        gateway_policy = (
            pulumi.Output.all(
                context.account_id, context.region, context.partition, *args.get("s3_bucket_names", ())
            ).apply(lambda v: s3_gateway_policy(v[0], v[1], v[2], v[3:]))
            if restrict
            else None
        )
        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=args["vpc_id"],
            service_name=_service_name(context.region, "s3"),
            vpc_endpoint_type="Gateway",
            route_table_ids=list(args["route_table_ids"]),
            policy=gateway_policy,
            tags=merged_tags(tags, Name=f"{name}-s3"),
            opts=pulumi.ResourceOptions(parent=self),
        )

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


def _validated_services(extra: Sequence[str]) -> list[str]:
    unknown = [s for s in extra if s not in OPTIONAL_INTERFACE_SERVICES]
    if unknown:
        raise ComponentArgumentError(
            "EndpointSet", "extra_services", list(extra), f"choose from {', '.join(OPTIONAL_INTERFACE_SERVICES)}"
        )
    if len(set(extra)) != len(extra):
        raise ComponentArgumentError("EndpointSet", "extra_services", list(extra), "list each service once")
    return [*REQUIRED_INTERFACE_SERVICES, *extra]
