"""secure-ecs: internet -> ALB (public subnets) -> Fargate tasks (private subnets, no public IPs)
-> RDS (isolated subnets), with ECR, S3 and CloudWatch Logs reached through VPC endpoints.

The stack's `secure-ecs:` config is read and validated once, before any resource is declared.
"""

from __future__ import annotations

import pulumi

from components import (
    EndpointSet,
    HardenedAlb,
    HardenedAlbArgs,
    PrivateDatabase,
    PrivateDatabaseArgs,
    PrivateNetwork,
    PrivateNetworkArgs,
    SecureFargateService,
    SecureFargateServiceArgs,
)
from components.secret_reference import SecretReference
from secure_ecs.config import load_stack_config

config = load_stack_config()
tags = {"secure-ecs:stack": pulumi.get_stack(), **config.tags}
protect = config.protect_stateful

network_args: PrivateNetworkArgs = {
    "cidr_block": config.network.cidr,
    "availability_zone_count": config.network.az_count,
    "subnet_prefixes": config.network.subnet_prefixes.model_dump(),
    "egress": config.network.egress,
    "flow_log_retention_days": config.network.flow_log_retention_days,
    "protect_stateful": protect,
    "tags": tags,
}
if config.network.subnets is not None:
    del network_args["subnet_prefixes"]
    subnets = config.network.subnets
    network_args["subnet_cidrs"] = {"public": subnets.public, "private": subnets.private, "data": subnets.data}
network = PrivateNetwork("network", network_args)

endpoint_azs = config.endpoints.az_count or config.network.az_count
endpoints = EndpointSet(
    "endpoints",
    {
        "vpc_id": network.vpc_id,
        # Interface endpoints are billed per AZ: a dev stack can keep them in one.
        "subnet_ids": [subnet.id for subnet in network.subnets["private"][:endpoint_azs]],
        "route_table_ids": [table.id for table in network.private_route_tables],
        "extra_services": config.interface_endpoint_services(),
        "s3_bucket_names": config.endpoints.s3_buckets,
        "restrict_to_account": config.endpoints.restrict_to_account,
        "tags": tags,
    },
)

alb_args: HardenedAlbArgs = {
    "vpc_id": network.vpc_id,
    "public_subnet_ids": network.public_subnet_ids,
    "container_port": config.service.container_port,
    "allow_http_only": config.alb.allow_http_only,
    "ingress_cidrs": config.alb.ingress_cidrs,
    "health_check_path": config.alb.health_check_path,
    "enable_deletion_protection": protect,
    "enable_waf": config.alb.waf.enabled,
    "waf_rate_limit": config.alb.waf.rate_limit,
    "waf_log_retention_days": config.alb.waf.log_retention_days,
    "access_log_retention_days": config.alb.access_log_retention_days,
    "protect_stateful": protect,
    "tags": tags,
}
if config.alb.certificate_arn:
    alb_args["certificate_arn"] = config.alb.certificate_arn
alb = HardenedAlb("alb", alb_args)

database: PrivateDatabase | None = None
secrets: list[SecretReference] = [{"name": k, "value_from": v} for k, v in config.service.secrets.items()]
environment: dict[str, pulumi.Input[str]] = dict(config.service.environment)
service_args: SecureFargateServiceArgs = {
    "vpc_id": network.vpc_id,
    "subnet_ids": network.private_subnet_ids,
    "alb_security_group_id": alb.security_group_id,
    "target_group_arn": alb.target_group_arn,
    "endpoint_security_group_id": endpoints.security_group_id,
    "s3_prefix_list_id": endpoints.s3_prefix_list_id,
    "container_port": config.service.container_port,
    "cpu": config.service.cpu,
    "memory": config.service.memory,
    "user": config.service.user,
    "readonly_root_filesystem": config.service.readonly_root_filesystem,
    "health_check_path": config.alb.health_check_path,
    "desired_count": config.service.desired_count,
    "enable_execute_command": config.service.enable_execute_command,
    "log_retention_days": config.service.log_retention_days,
    "protect_stateful": protect,
    "tags": tags,
}
if config.service.image:
    service_args["image"] = config.service.image
elif config.service.docker_context:
    service_args["docker_context"] = config.service.docker_context
if config.service.autoscaling:
    service_args["min_count"] = config.service.autoscaling.min_count
    service_args["max_count"] = config.service.autoscaling.max_count
    service_args["cpu_target_utilization"] = float(config.service.autoscaling.cpu_target_percent)

if config.database is not None:
    database_args: PrivateDatabaseArgs = {
        "vpc_id": network.vpc_id,
        "subnet_ids": network.data_subnet_ids,
        "engine_major_version": config.database.engine_major_version,
        "instance_class": config.database.instance_class,
        "allocated_storage_gb": config.database.allocated_storage_gb,
        "db_name": config.database.database_name,
        "port": config.database.port,
        "multi_az": config.database.multi_az,
        "backup_retention_days": config.database.backup_retention_days,
        "deletion_protection": protect,
        "log_retention_days": config.database.log_retention_days,
        "tags": tags,
    }
    if config.database.max_allocated_storage_gb:
        database_args["max_allocated_storage_gb"] = config.database.max_allocated_storage_gb
    database = PrivateDatabase("database", database_args)
    # The source document's advice made concrete: credentials come from Secrets Manager, never env vars.
    secrets += database.secret_references()
    environment.update(
        DB_HOST=database.address,
        DB_PORT=str(config.database.port),
        DB_NAME=config.database.database_name,
    )
    service_args["database_security_group_id"] = database.security_group_id
    service_args["database_port"] = config.database.port
    service_args["secret_kms_key_arns"] = [database.secret_kms_key_arn]
service_args["environment"] = environment
service_args["secrets"] = secrets
service_args["secret_kms_key_arns"] = [
    *config.service.secret_kms_key_arns,
    *service_args.get("secret_kms_key_arns", []),
]
service = SecureFargateService("app", service_args)

# What `secure-ecs verify` and operators need after a deploy.
pulumi.export("albUrl", alb.url)
pulumi.export("healthCheckUrl", alb.health_check_url)
pulumi.export("clusterName", service.cluster_name)
pulumi.export("serviceName", service.service_name)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("publicSubnetIds", network.public_subnet_ids)
pulumi.export("privateSubnetIds", network.private_subnet_ids)
pulumi.export("dataSubnetIds", network.data_subnet_ids)
pulumi.export("taskSecurityGroupId", service.security_group_id)
pulumi.export("interfaceEndpointIds", endpoints.interface_endpoint_ids)
pulumi.export("s3EndpointId", endpoints.s3_endpoint_id)
pulumi.export("repositoryUrl", service.repository_url)
pulumi.export("webAclArn", alb.web_acl_arn)
pulumi.export("flowLogId", network.flow_log_id)
pulumi.export("logGroupName", service.log_group_name)
if database is not None:
    pulumi.export("databaseEndpoint", database.endpoint)
    pulumi.export("databaseSecretArn", database.secret_arn)
