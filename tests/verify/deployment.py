"""A whole secure-ecs deployment built in moto with boto3: what `pulumi up` would leave behind.

Everything `secure-ecs verify` reads comes from moto, with one exception moto cannot emulate:
moto 5.2.5 accepts but drops an ECS service's `deploymentConfiguration`, so describe_services never
returns the circuit breaker. `add_circuit_breaker` puts back exactly that field (the value the
service was created with) on the verify client's describe_services answers, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.loaders
import botocore.session

from secure_ecs.verify.aws import AwsContext

REGION = "us-east-1"
CLUSTER = "app-cluster"
SERVICE = "app-service"
REPOSITORY = "app-repo"
DB_ID = "app-db"


@dataclass
class Deployment:
    outputs: dict[str, Any]
    alb_arn: str
    web_acl_arn: str
    private_route_tables: list[str]
    task_enis: list[str]
    circuit_breaker: dict[str, bool] = field(default_factory=lambda: {"enable": True, "rollback": True})

    def add_circuit_breaker(self, aws: AwsContext) -> None:
        """Return the breaker moto dropped on describe_services (see the module docstring)."""

        def restore(parsed: dict[str, Any], **_: Any) -> None:
            for service in parsed.get("services", []):
                service["deploymentConfiguration"] = {"deploymentCircuitBreaker": dict(self.circuit_breaker)}

        aws.client("ecs").meta.events.register("after-call.ecs.DescribeServices", restore)


# Service models are large JSON files and moto drops boto3's default session on every mock start;
# one loader shared by every test session parses each model once.
_MODEL_LOADER = botocore.loaders.create_loader()


def fresh_session() -> boto3.Session:
    """A new session (fresh credentials and clients) that reuses the already-parsed service models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _MODEL_LOADER)
    return boto3.Session(botocore_session=core)


def client(service: str) -> Any:
    """A client for building or breaking the deployment (in the active moto mock)."""
    make: Any = fresh_session().client
    return make(service, region_name=REGION)


def _subnets(ec2: Any, vpc_id: str, tier: str, third_octets: tuple[int, int]) -> list[str]:
    return [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{octet}.0/24", AvailabilityZone=f"{REGION}{zone}",
                              TagSpecifications=[{"ResourceType": "subnet",
                                                  "Tags": [{"Key": "Name", "Value": f"{tier}-{zone}"}]}],
                              )["Subnet"]["SubnetId"]
            for octet, zone in zip(third_octets, "ab", strict=True)]


def _route_table(ec2: Any, vpc_id: str, subnet_ids: list[str]) -> str:
    table_id: str = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
    return table_id


def _network(ec2: Any) -> dict[str, Any]:
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public, private, data = (_subnets(ec2, vpc_id, "public", (0, 1)), _subnets(ec2, vpc_id, "private", (10, 11)),
                             _subnets(ec2, vpc_id, "data", (20, 21)))
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    public_table = _route_table(ec2, vpc_id, public)
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_tables = [_route_table(ec2, vpc_id, [subnet]) for subnet in private]
    _route_table(ec2, vpc_id, data)
    task_sg = ec2.create_security_group(GroupName="task", Description="tasks", VpcId=vpc_id)["GroupId"]
    endpoint_sg = ec2.create_security_group(GroupName="endpoints", Description="endpoints", VpcId=vpc_id)["GroupId"]
    return {"vpc": vpc_id, "public": public, "private": private, "data": data, "igw": igw,
            "private_tables": private_tables, "task_sg": task_sg, "endpoint_sg": endpoint_sg}


def _endpoints(ec2: Any, net: dict[str, Any]) -> tuple[dict[str, str], str]:
    interface = {}
    for service in ("ecr.api", "ecr.dkr", "logs", "secretsmanager"):
        interface[service] = ec2.create_vpc_endpoint(
            VpcId=net["vpc"], ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType="Interface",
            SubnetIds=[net["private"][0]], SecurityGroupIds=[net["endpoint_sg"]], PrivateDnsEnabled=True,
        )["VpcEndpoint"]["VpcEndpointId"]
    s3 = ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName=f"com.amazonaws.{REGION}.s3",
                                 VpcEndpointType="Gateway", RouteTableIds=net["private_tables"])
    return interface, s3["VpcEndpoint"]["VpcEndpointId"]


def _flow_log(ec2: Any, vpc_id: str) -> str:
    client("logs").create_log_group(logGroupName="/secure-ecs/flow-logs")
    answer = ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                                  LogGroupName="/secure-ecs/flow-logs",
                                  DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs")
    return str(answer["FlowLogIds"][0])


def _repository() -> str:
    answer = client("ecr").create_repository(
        repositoryName=REPOSITORY, imageScanningConfiguration={"scanOnPush": True}, imageTagMutability="IMMUTABLE",
        encryptionConfiguration={"encryptionType": "KMS"})
    return str(answer["repository"]["repositoryUri"])


def _load_balancer(public_subnets: list[str]) -> tuple[dict[str, Any], str]:
    elbv2 = client("elbv2")
    balancer = elbv2.create_load_balancer(Name="app-alb", Subnets=public_subnets, Scheme="internet-facing",
                                          Type="application")["LoadBalancers"][0]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"], Attributes=[
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        {"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"},
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "app-alb-logs"},
    ])
    wafv2 = client("wafv2")
    acl = wafv2.create_web_acl(Name="app-waf", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig={
        "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "app-waf"})["Summary"]
    wafv2.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=balancer["LoadBalancerArn"])
    return balancer, str(acl["ARN"])


def _service(net: dict[str, Any], assign_public_ip: str) -> list[str]:
    ecs = client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(family="app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                                 memory="512", containerDefinitions=[{"name": "app", "image": "app:1"}])
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition="app", desiredCount=2,
                       launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                           "subnets": net["private"], "securityGroups": [net["task_sg"]],
                           "assignPublicIp": assign_public_ip}},
                       deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}})
    # moto cannot start awsvpc tasks (run_task fails in 5.2.5), so the ENIs Fargate would attach to the
    # two tasks are created directly, where Fargate puts them: private subnets, task security group.
    ec2 = client("ec2")
    return [ec2.create_network_interface(SubnetId=subnet, Groups=[net["task_sg"]],
                                         Description=f"arn:aws:ecs:{REGION}:123456789012:attachment/task-{i}",
                                         )["NetworkInterface"]["NetworkInterfaceId"]
            for i, subnet in enumerate(net["private"])]


def _database(data_subnets: list[str]) -> dict[str, Any]:
    rds = client("rds")
    rds.create_db_subnet_group(DBSubnetGroupName="app-data", DBSubnetGroupDescription="data", SubnetIds=data_subnets)
    instance: dict[str, Any] = rds.create_db_instance(
        DBInstanceIdentifier=DB_ID, Engine="postgres", DBInstanceClass="db.t4g.micro", MasterUsername="app",
        ManageMasterUserPassword=True, StorageEncrypted=True, PubliclyAccessible=False,
        DBSubnetGroupName="app-data", AllocatedStorage=20)["DBInstance"]
    return instance


def build_deployment(health_url: str, *, assign_public_ip: str = "DISABLED") -> Deployment:
    """Create the secure deployment inside the active moto mock; returns its outputs as `pulumi stack output`."""
    ec2 = client("ec2")
    net = _network(ec2)
    interface, s3 = _endpoints(ec2, net)
    flow_log = _flow_log(ec2, net["vpc"])
    repository_url = _repository()
    balancer, acl_arn = _load_balancer(net["public"])
    task_enis = _service(net, assign_public_ip)
    database = _database(net["data"])
    outputs = {
        "albUrl": f"https://{balancer['DNSName']}",
        "healthCheckUrl": health_url,
        "clusterName": CLUSTER,
        "serviceName": SERVICE,
        "vpcId": net["vpc"],
        "publicSubnetIds": net["public"],
        "privateSubnetIds": net["private"],
        "dataSubnetIds": net["data"],
        "taskSecurityGroupId": net["task_sg"],
        "interfaceEndpointIds": interface,
        "s3EndpointId": s3,
        "repositoryUrl": repository_url,
        "webAclArn": acl_arn,
        "flowLogId": flow_log,
        "logGroupName": "/secure-ecs/app",
        "databaseEndpoint": f"{database['Endpoint']['Address']}:{database['Endpoint']['Port']}",
        "databaseSecretArn": database["MasterUserSecret"]["SecretArn"],
    }
    return Deployment(outputs=outputs, alb_arn=balancer["LoadBalancerArn"], web_acl_arn=acl_arn,
                      private_route_tables=net["private_tables"], task_enis=task_enis)
