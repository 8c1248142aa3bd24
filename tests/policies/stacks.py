"""A hand-built private Fargate stack and the insecure variants of it the pack must catch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_facts import tokens
from tests.policies.builders import UNKNOWN, container_definitions, graph, resource, secure_container

REGION = "eu-west-1"
BASE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "secretsmanager")


@dataclass(frozen=True)
class Knobs:
    """What differs between the secure stack and an insecure variant."""

    assign_public_ip: bool = False
    scan_on_push: bool = True
    http_redirects: bool = True
    waf: bool = True
    flow_log: bool = True
    interface_endpoints: tuple[str, ...] = BASE_ENDPOINTS
    s3_gateway: bool = True
    secret_in_environment: bool = False
    app_subnet_public_ip: bool = False
    open_task_ingress: bool = False
    nat_route: bool = False
    endpoint_private_dns: bool = True


def fargate_stack(knobs: Knobs = Knobs()) -> ResourceGraph:
    key = resource(tokens.KMS_KEY, "key", {"enableKeyRotation": True})
    vpc = resource(tokens.VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True})
    public = resource(
        tokens.SUBNET,
        "public-a",
        {"cidrBlock": "10.0.0.0/24", "mapPublicIpOnLaunch": False, "tags": {"secure-ecs:tier": "public"}},
        links={"vpcId": [vpc]},
    )
    app = resource(
        tokens.SUBNET,
        "app-a",
        {"cidrBlock": "10.0.1.0/24", "mapPublicIpOnLaunch": knobs.app_subnet_public_ip},
        links={"vpcId": [vpc]},
    )
    app_routes = resource(tokens.ROUTE_TABLE, "app-routes", {"routes": []}, links={"vpcId": [vpc]})
    association = resource(
        tokens.ROUTE_TABLE_ASSOCIATION, "app-a-routes", {}, links={"subnetId": [app], "routeTableId": [app_routes]}
    )
    extra: list[CapturedResource] = []
    if knobs.nat_route:
        nat = resource(tokens.NAT_GATEWAY, "nat", {}, links={"subnetId": [public]})
        extra += [
            nat,
            resource(
                tokens.ROUTE,
                "app-default",
                {"destinationCidrBlock": "0.0.0.0/0"},
                links={"routeTableId": [app_routes], "natGatewayId": [nat]},
            ),
        ]
    log_group = resource(
        tokens.LOG_GROUP, "flow-logs", {"retentionInDays": 365, "kmsKeyId": UNKNOWN}, links={"kmsKeyId": [key]}
    )
    if knobs.flow_log:
        extra.append(
            resource(
                tokens.FLOW_LOG,
                "vpc-flow-log",
                {"trafficType": "ALL"},
                links={"vpcId": [vpc], "logDestination": [log_group]},
            )
        )
    alb_group = resource(
        tokens.SECURITY_GROUP,
        "alb-sg",
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": ["0.0.0.0/0"]} for port in (80, 443)
            ]
        },
        links={"vpcId": [vpc]},
    )
    task_ingress = [{"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "securityGroups": ["sg-alb"]}]
    if knobs.open_task_ingress:
        task_ingress.append({"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["0.0.0.0/0"]})
    task_group = resource(tokens.SECURITY_GROUP, "task-sg", {"ingress": task_ingress}, links={"vpcId": [vpc]})
    endpoint_group = resource(tokens.SECURITY_GROUP, "endpoint-sg", {"ingress": []}, links={"vpcId": [vpc]})
    endpoints = [
        resource(
            tokens.VPC_ENDPOINT,
            f"endpoint-{name}",
            {
                "serviceName": f"com.amazonaws.{REGION}.{name}",
                "vpcEndpointType": "Interface",
                "privateDnsEnabled": knobs.endpoint_private_dns,
            },
            links={"vpcId": [vpc], "subnetIds": [app], "securityGroupIds": [endpoint_group]},
        )
        for name in knobs.interface_endpoints
    ]
    if knobs.s3_gateway:
        endpoints.append(
            resource(
                tokens.VPC_ENDPOINT,
                "endpoint-s3",
                {"serviceName": f"com.amazonaws.{REGION}.s3", "vpcEndpointType": "Gateway"},
                links={"vpcId": [vpc], "routeTableIds": [app_routes]},
            )
        )
    repository = resource(
        tokens.ECR_REPOSITORY,
        "repo",
        {
            # Auto-named, as a fixed name collides across stacks (deploy-physical-names-unique).
            "imageTagMutability": "IMMUTABLE",
            "imageScanningConfiguration": {"scanOnPush": knobs.scan_on_push},
            "encryptionConfigurations": [{"encryptionType": "KMS"}],
        },
        links={"encryptionConfigurations": [key]},
    )
    lifecycle = resource(
        tokens.ECR_LIFECYCLE_POLICY, "repo-lifecycle", {"policy": "{}"}, links={"repository": [repository]}
    )
    app_logs = resource(
        tokens.LOG_GROUP, "app-logs", {"retentionInDays": 365, "kmsKeyId": UNKNOWN}, links={"kmsKeyId": [key]}
    )
    environment: list[dict[str, Any]] = [{"name": "LOG_LEVEL", "value": "info"}]
    if knobs.secret_in_environment:
        environment.append({"name": "DB_PASSWORD", "value": "hunter2"})
    task = resource(
        tokens.ECS_TASK_DEFINITION,
        "task",
        {
            "family": "app",
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": container_definitions(secure_container(environment=environment)),
        },
        links={"containerDefinitions": [repository, app_logs]},
    )
    balancer = resource(
        tokens.LOAD_BALANCERS[0],
        "alb",
        {
            "internal": False,
            "loadBalancerType": "application",
            "dropInvalidHeaderFields": True,
            "desyncMitigationMode": "strictest",
            "enableDeletionProtection": True,
            "accessLogs": {"bucket": "alb-logs", "enabled": True},
        },
        links={"securityGroups": [alb_group], "subnets": [public]},
    )
    bucket = resource(tokens.S3_BUCKETS[0], "alb-logs", {})
    block = resource(
        tokens.S3_PUBLIC_ACCESS_BLOCK,
        "alb-logs-block",
        {
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        links={"bucket": [bucket]},
    )
    https = resource(
        tokens.LISTENERS[0],
        "https",
        {
            "protocol": "HTTPS",
            "port": 443,
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}],
        },
        links={"loadBalancerArn": [balancer]},
    )
    http_action = (
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
        if knobs.http_redirects
        else {"type": "forward", "targetGroupArn": "tg"}
    )
    http = resource(
        tokens.LISTENERS[0],
        "http",
        {"protocol": "HTTP", "port": 80, "defaultActions": [http_action]},
        links={"loadBalancerArn": [balancer]},
    )
    if knobs.waf:
        extra.append(resource(tokens.WAF_ASSOCIATION, "alb-waf", {}, links={"resourceArn": [balancer]}))
    service = resource(
        tokens.ECS_SERVICE,
        "service",
        {
            "launchType": "FARGATE",
            "desiredCount": 2,
            "networkConfiguration": {"assignPublicIp": knobs.assign_public_ip, "subnets": ["app-a-id"]},
        },
        links={"networkConfiguration": [app, task_group], "taskDefinition": [task]},
    )
    return graph(
        key,
        vpc,
        public,
        app,
        app_routes,
        association,
        log_group,
        alb_group,
        task_group,
        endpoint_group,
        *endpoints,
        repository,
        lifecycle,
        app_logs,
        task,
        balancer,
        bucket,
        block,
        https,
        http,
        service,
        *extra,
    )


INSECURE_VARIANTS: dict[str, tuple[Knobs, str]] = {
    "public IP on the service": (Knobs(assign_public_ip=True), "ecs-service-no-public-ip"),
    "app subnet maps public IPs": (Knobs(app_subnet_public_ip=True), "subnet-no-public-ip"),
    "scanning off": (Knobs(scan_on_push=False), "ecr-repository-scanned"),
    "HTTP listener without redirect": (Knobs(http_redirects=False), "listener-http-redirects-to-https"),
    "WAF association removed": (Knobs(waf=False), "alb-waf-association"),
    "flow log removed": (Knobs(flow_log=False), "vpc-flow-logs"),
    "ecr.dkr endpoint removed": (
        Knobs(interface_endpoints=("ecr.api", "logs", "secretsmanager")),
        "private-service-endpoints",
    ),
    "secretsmanager endpoint removed": (
        Knobs(interface_endpoints=("ecr.api", "ecr.dkr", "logs")),
        "private-service-endpoints",
    ),
    "s3 gateway removed": (Knobs(s3_gateway=False), "private-service-endpoints"),
    "endpoints without private DNS": (Knobs(endpoint_private_dns=False), "private-service-endpoints"),
    "secret moved into an env var": (Knobs(secret_in_environment=True), "ecs-task-no-secrets-in-environment"),
    "task port open to the internet": (Knobs(open_task_ingress=True), "security-group-no-public-ingress"),
}
