"""The dev and prod stacks, run through the offline harness exactly as `pulumi up` would run them."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from secure_ecs.config import StackConfigError
from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.offline.harness import run_stack
from secure_ecs_components import COMPONENTS
from tests.offline import ancestors, captured_stack, only
from tests.paths import REPO_ROOT

COMPONENT_TOKENS = {f"secure-ecs:index:{cls.__name__}" for cls in COMPONENTS}
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG = "aws:ec2/securityGroup:SecurityGroup"


@pytest.fixture(scope="module")
def dev() -> ResourceGraph:
    return captured_stack("dev")


@pytest.fixture(scope="module")
def prod() -> ResourceGraph:
    return captured_stack("prod")


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> ResourceGraph:
    graph: ResourceGraph = request.getfixturevalue(request.param)
    return graph


def group_of(graph: ResourceGraph, component: str) -> CapturedResource:
    """The security group a component owns (its direct child)."""
    (owner,) = graph.of_type(f"secure-ecs:index:{component}")
    groups = [g for g in graph.of_type(SG) if g.parent == owner.urn]
    assert len(groups) == 1, f"{component} owns {len(groups)} security groups"
    return groups[0]


def rules_on(graph: ResourceGraph, kind: str, group: CapturedResource) -> list[CapturedResource]:
    return [r for r in graph.of_type(kind) if r.inputs["securityGroupId"] == group.id]


def test_every_component_is_present_once(stack: ResourceGraph) -> None:
    counts = Counter(r.type for r in stack if r.type.startswith("secure-ecs:"))
    assert set(counts) == COMPONENT_TOKENS
    assert all(count == 1 for count in counts.values())


def test_every_resource_is_parented_under_a_component(stack: ResourceGraph) -> None:
    components = {r.urn for r in stack if r.type in COMPONENT_TOKENS}
    for resource in stack:
        if resource.type in COMPONENT_TOKENS:
            continue
        assert components & set(ancestors(stack, resource)), f"{resource.urn} is outside every component"


def test_tasks_admit_only_the_load_balancer_on_the_container_port(stack: ResourceGraph) -> None:
    tasks, alb = group_of(stack, "SecureFargateService"), group_of(stack, "HardenedAlb")
    (ingress,) = rules_on(stack, INGRESS, tasks)
    assert ingress.inputs["referencedSecurityGroupId"] == alb.id
    assert ingress.inputs["fromPort"] == ingress.inputs["toPort"] == 8080
    (alb_egress,) = rules_on(stack, EGRESS, alb)
    assert alb_egress.inputs["referencedSecurityGroupId"] == tasks.id
    assert alb_egress.inputs["fromPort"] == 8080


def test_task_egress_goes_only_to_endpoints_s3_and_the_database(stack: ResourceGraph) -> None:
    tasks = group_of(stack, "SecureFargateService")
    endpoints, database = group_of(stack, "EndpointSet"), group_of(stack, "PrivateDatabase")
    s3 = next(e for e in stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["vpcEndpointType"] == "Gateway")
    destinations = {
        (r.inputs.get("referencedSecurityGroupId") or r.inputs.get("prefixListId"), r.inputs["fromPort"])
        for r in rules_on(stack, EGRESS, tasks)
    }
    assert destinations == {(endpoints.id, 443), (s3.outputs["prefixListId"], 443), (database.id, 5432)}


def test_endpoints_and_database_admit_only_the_tasks(stack: ResourceGraph) -> None:
    tasks = group_of(stack, "SecureFargateService")
    (endpoint_ingress,) = rules_on(stack, INGRESS, group_of(stack, "EndpointSet"))
    assert (endpoint_ingress.inputs["referencedSecurityGroupId"], endpoint_ingress.inputs["fromPort"]) == (
        tasks.id,
        443,
    )
    (database_ingress,) = rules_on(stack, INGRESS, group_of(stack, "PrivateDatabase"))
    assert (database_ingress.inputs["referencedSecurityGroupId"], database_ingress.inputs["fromPort"]) == (
        tasks.id,
        5432,
    )


def test_only_the_load_balancer_is_open_to_the_internet(stack: ResourceGraph) -> None:
    alb = group_of(stack, "HardenedAlb")
    for rule in stack.of_type(INGRESS) + stack.of_type(EGRESS):
        if rule.inputs.get("cidrIpv4") == "0.0.0.0/0":
            assert rule.type == INGRESS and rule.inputs["securityGroupId"] == alb.id
            assert rule.inputs["fromPort"] in (80, 443)


def test_service_runs_in_private_subnets_without_public_ip(stack: ResourceGraph) -> None:
    service = only(stack, "aws:ecs/service:Service")
    network = service.inputs["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == stack.stack_outputs["privateSubnetIds"]
    assert network["securityGroups"] == [group_of(stack, "SecureFargateService").id]


def test_database_lives_in_the_isolated_subnets_and_is_private(stack: ResourceGraph) -> None:
    subnet_group = only(stack, "aws:rds/subnetGroup:SubnetGroup")
    assert subnet_group.inputs["subnetIds"] == stack.stack_outputs["dataSubnetIds"]
    database = only(stack, "aws:rds/instance:Instance")
    assert database.inputs["publiclyAccessible"] is False
    assert database.inputs["storageEncrypted"] is True
    assert database.inputs["manageMasterUserPassword"] is True


def test_task_connects_with_iam_auth_and_never_holds_the_rotating_master_password(stack: ResourceGraph) -> None:
    (container,) = json.loads(only(stack, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert container["secrets"] == []
    environment = {e["name"]: e["value"] for e in container.get("environment", [])}
    assert {"DB_HOST", "DB_PORT", "DB_NAME"} <= set(environment)
    assert environment["DB_USER"] == "app" and environment["DB_AUTH_METHOD"] == "iam"
    connect = next(r for r in stack.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "app-database-connect")
    (statement,) = json.loads(connect.inputs["policy"])["Statement"]
    resource_id = only(stack, "aws:rds/instance:Instance").outputs["resourceId"]
    assert statement["Resource"] == [f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{resource_id}/app"]
    # The execution role reads no database secret any more.
    execution = next(r for r in stack.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "app-execution-policy")
    assert "secretsmanager" not in execution.inputs["policy"]


def test_load_balancer_waits_for_the_internet_gateway(stack: ResourceGraph) -> None:
    gateway = only(stack, "aws:ec2/internetGateway:InternetGateway")
    balancer = only(stack, "aws:lb/loadBalancer:LoadBalancer")
    assert gateway.urn in balancer.property_dependencies["subnets"]


def test_flow_log_waits_for_its_delivery_policy(stack: ResourceGraph) -> None:
    delivery = next(r for r in stack.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "network-flow-logs-delivery")
    assert delivery.urn in only(stack, "aws:ec2/flowLog:FlowLog").dependencies


def test_waf_logs_have_their_own_resource_policy_and_association_retries_longer(stack: ResourceGraph) -> None:
    group = next(g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name == "alb-waf-logs")
    policy = only(stack, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy")
    assert policy.inputs["resourceArn"] == group.outputs["arn"]
    (statement,) = json.loads(policy.inputs["policyDocument"])["Statement"]
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert statement["Resource"] == f"{group.outputs['arn']}:*"
    assert policy.urn in only(stack, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").dependencies
    association = only(stack, "aws:wafv2/webAclAssociation:WebAclAssociation")
    assert association.options.custom_timeouts["create"] == "15m"


def test_dev_database_has_no_storage_autoscaling(dev: ResourceGraph) -> None:
    assert "maxAllocatedStorage" not in only(dev, "aws:rds/instance:Instance").inputs


def test_prod_database_has_monitoring_and_performance_insights(prod: ResourceGraph) -> None:
    database = only(prod, "aws:rds/instance:Instance").inputs
    assert database["performanceInsightsEnabled"] is True
    assert database["monitoringInterval"] == 60
    parameters = only(prod, "aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]
    assert {"name": "log_min_duration_statement", "value": "1000", "applyMethod": "immediate"} in parameters


def test_dev_builds_a_content_tagged_image_and_prod_runs_a_released_one(
    dev: ResourceGraph, prod: ResourceGraph
) -> None:
    assert only(dev, "awsx:ecr:Image").inputs["imageTag"].startswith("ctx-")
    assert not prod.of_type("aws:ecr/repository:Repository")
    registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com/secure-ecs-app"
    assert prod.stack_outputs["repositoryUrl"] == registry
    (container,) = json.loads(only(prod, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert container["image"].startswith(f"{registry}@sha256:")


def test_exports_cover_what_a_post_deploy_check_needs(stack: ResourceGraph) -> None:
    expected = {
        "albUrl", "healthCheckUrl", "clusterName", "serviceName", "vpcId", "publicSubnetIds", "privateSubnetIds",
        "dataSubnetIds", "interfaceEndpointIds", "s3EndpointId", "repositoryUrl", "webAclArn", "flowLogId",
        "databaseEndpoint", "databaseSecretArn",
    }  # fmt: skip
    assert expected <= set(stack.stack_outputs)
    assert stack.stack_outputs["healthCheckUrl"].endswith("/api/health")
    assert {"ecr.api", "ecr.dkr", "logs", "secretsmanager"} <= set(stack.stack_outputs["interfaceEndpointIds"])


def test_dev_is_the_cheap_shape(dev: ResourceGraph) -> None:
    assert len(dev.stack_outputs["privateSubnetIds"]) == 2
    interface = [
        e for e in dev.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["vpcEndpointType"] == "Interface"
    ]
    assert all(len(e.inputs["subnetIds"]) == 1 for e in interface)
    (listener,) = dev.of_type("aws:lb/listener:Listener")
    assert listener.inputs["protocol"] == "HTTP"
    assert only(dev, "aws:rds/instance:Instance").inputs["multiAz"] is False
    assert dev.of_type("aws:appautoscaling/target:Target") == []
    assert only(dev, "awsx:ecr:Image").inputs["context"].endswith("app")


def test_prod_is_the_resilient_shape(prod: ResourceGraph) -> None:
    assert len(prod.stack_outputs["privateSubnetIds"]) == 3
    interface = [
        e for e in prod.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if e.inputs["vpcEndpointType"] == "Interface"
    ]
    assert all(len(e.inputs["subnetIds"]) == 3 for e in interface)
    listeners = {listener.inputs["protocol"]: listener for listener in prod.of_type("aws:lb/listener:Listener")}
    assert listeners["HTTPS"].inputs["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert listeners["HTTP"].inputs["defaultActions"][0]["type"] == "redirect"
    assert only(prod, "aws:rds/instance:Instance").inputs["multiAz"] is True
    target = only(prod, "aws:appautoscaling/target:Target")
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (3, 12)
    assert prod.of_type("awsx:ecr:Image") == []


STATEFUL_TYPES = (
    "aws:rds/instance:Instance",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
)


@pytest.mark.parametrize("type_token", STATEFUL_TYPES)
def test_prod_stateful_resources_survive_an_accidental_destroy(prod: ResourceGraph, type_token: str) -> None:
    resources = prod.of_type(type_token)
    assert resources
    # Both: `protect` refuses the destroy before anything goes; retain-on-delete covers a deliberate removal.
    assert all(r.options.retain_on_delete and r.options.protect for r in resources), type_token


def test_prod_database_and_load_balancer_have_deletion_protection(prod: ResourceGraph) -> None:
    database = only(prod, "aws:rds/instance:Instance")
    assert database.inputs["deletionProtection"] is True
    assert database.inputs["skipFinalSnapshot"] is False
    assert database.inputs["finalSnapshotIdentifier"]
    assert only(prod, "aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is True
    assert all(g.inputs["deletionProtectionEnabled"] for g in prod.of_type("aws:cloudwatch/logGroup:LogGroup"))


def test_dev_can_be_torn_down(dev: ResourceGraph) -> None:
    assert not any(r.options.retain_on_delete or r.options.protect for r in dev)
    assert only(dev, "aws:rds/instance:Instance").inputs.get("deletionProtection") is False


def test_components_register_exactly_their_declared_outputs(stack: ResourceGraph) -> None:
    classes = {f"secure-ecs:index:{cls.__name__}": cls for cls in COMPONENTS}
    for component in stack:
        if component.type in classes:
            declared = set(classes[component.type].__annotations__)
            assert set(component.outputs) == declared, component.type
            assert all(value is not None for key, value in component.outputs.items() if key != "web_acl_arn")


def test_prod_refuses_its_example_certificate_and_registry_in_another_account(monkeypatch: pytest.MonkeyPatch) -> None:
    # The emulated account is moto's; any real account differs from the example account id.
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "210987654321")
    with pytest.raises(StackConfigError) as refused:
        run_stack("prod", REPO_ROOT)
    assert [p.split(" ", 1)[0] for p in refused.value.problems] == [
        "secure-ecs:alb.certificateArn",
        "secure-ecs:service.repositoryUrl",
    ]
