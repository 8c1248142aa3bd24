"""secure-ecs: internet -> ALB (public subnets) -> Fargate tasks (private subnets, no public IPs)
-> RDS (isolated subnets), with ECR, S3 and CloudWatch Logs reached through VPC endpoints.

Each `secure-ecs:<section>` of the stack config holds one component's own arguments (validated by the
component's checks before anything is declared); this file only wires the components together.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from secure_ecs.config import load_stack_config
from secure_ecs.config.account import DeployTarget, check_deploy_target
from secure_ecs_components import EndpointSet, HardenedAlb, PrivateDatabase, PrivateNetwork, SecureFargateService

config = load_stack_config()
check_deploy_target(config, DeployTarget(aws.get_caller_identity().account_id, aws.get_region().region))
tags = {"secure-ecs:stack": pulumi.get_stack(), **config.tags}
protect = config.protect_stateful

network = PrivateNetwork("network", config.network.to_args(tags=tags, protect_stateful=protect))
# Interface endpoints are billed per AZ: a dev stack can keep them in one.
endpoint_azs = config.endpoints.availability_zone_count or config.network.availability_zone_count
endpoints = EndpointSet(
    "endpoints",
    config.endpoints.to_args(
        extra_services=config.interface_endpoint_services(),
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids.apply(lambda ids: ids[:endpoint_azs]),
        route_table_ids=network.private_route_table_ids,
        tags=tags,
    ),
)
alb = HardenedAlb(
    "alb",
    config.alb.to_args(
        vpc_id=network.vpc_id,
        public_subnet_ids=network.public_subnet_ids,
        container_port=config.service.container_port,
        enable_deletion_protection=protect,
        protect_stateful=protect,
        tags=tags,
    ),
)
database = None
service_wiring = {}
if config.database is not None:
    database = PrivateDatabase(
        "database",
        config.database.to_args(
            vpc_id=network.vpc_id, subnet_ids=network.data_subnet_ids, protect_stateful=protect, tags=tags
        ),
    )
    # No password reaches the task: the master secret rotates every 7 days and a copy taken at task
    # start would go stale. The app signs an IAM auth token with its task role per connection.
    service_wiring = {
        "environment": {
            **(config.service.environment or {}),
            "DB_HOST": database.address,
            "DB_PORT": database.port.apply(str),
            "DB_NAME": database.db_name,
            "DB_USER": database.app_username,
            "DB_AUTH_METHOD": "iam",
        },
        "database_security_group_id": database.security_group_id,
        "database_port": database.port,
        "database_connect_arns": [database.iam_user_arn],
    }
service = SecureFargateService(
    "app",
    config.service.to_args(
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        alb_security_group_id=alb.security_group_id,
        target_group_arn=alb.target_group_arn,
        endpoint_security_group_id=endpoints.security_group_id,
        s3_prefix_list_id=endpoints.s3_prefix_list_id,
        health_check_path=config.alb.health_check_path,
        protect_stateful=protect,
        tags=tags,
        **service_wiring,
    ),
)

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
