"""SecureFargateService under Pulumi's mock engine: secure defaults, opt-ins and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.fargate_service import SecureFargateService, SecureFargateServiceArgs
from secure_ecs_facts.secret_names import name_looks_secret, value_embeds_password
from tests.offline import only as one
from tests.offline import run_offline

REGION = "us-east-1"
ACCOUNT = "123456789012"
DIGEST = "sha256:" + "ab" * 32
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!db-0123-AbCdEf"
SECRET_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111-2222"
TARGET_GROUP_ARN = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web/0123456789abcdef"

BASE_ARGS: SecureFargateServiceArgs = {
    "vpc_id": "vpc-0123",
    "subnet_ids": ["subnet-app-a", "subnet-app-b"],
    "alb_security_group_id": "sg-alb",
    "target_group_arn": TARGET_GROUP_ARN,
    "endpoint_security_group_id": "sg-endpoints",
    "s3_prefix_list_id": "pl-s3",
    "image": DIGEST,
}




def build(**overrides: Any) -> ResourceGraph:
    args: dict[str, Any] = {**BASE_ARGS, **overrides}
    for key in [k for k, v in args.items() if v is None]:
        del args[key]
    return run_offline(lambda: SecureFargateService("web", args))  # type: ignore[arg-type]




def container(graph: ResourceGraph) -> dict[str, Any]:
    definitions = json.loads(one(graph, "aws:ecs/taskDefinition:TaskDefinition").inputs["containerDefinitions"])
    assert len(definitions) == 1
    return dict(definitions[0])


def execution_policy(graph: ResourceGraph) -> dict[str, Any]:
    policy = next(r for r in graph.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "web-execution-policy")
    return dict(json.loads(policy.inputs["policy"]))


def rules(graph: ResourceGraph) -> list[CapturedResource]:
    return graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") + graph.of_type(
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
    )


def task_group_id(graph: ResourceGraph) -> str:
    return one(graph, "aws:ec2/securityGroup:SecurityGroup").id


@pytest.fixture(scope="module")
def default_graph() -> ResourceGraph:
    return build(protect_stateful=False)


@pytest.fixture(scope="module")
def full_graph(tmp_path_factory: pytest.TempPathFactory) -> ResourceGraph:
    context = tmp_path_factory.mktemp("app")
    (context / "Dockerfile").write_text("FROM scratch\n")
    return build(
        image=None,
        docker_context=str(context),
        cpu_architecture="ARM64",
        database_security_group_id="sg-db",
        database_port=5432,
        environment={"LOG_LEVEL": "info", "DATABASE_URL": "postgres://db.internal:5432/app"},
        secrets={"DB_PASSWORD": f"{SECRET_ARN}:password::"},
        secret_kms_key_arns=[SECRET_KEY_ARN],
        desired_count=2,
        autoscaling={"min_count": 2, "max_count": 6},
        enable_execute_command=True,
        readonly_root_filesystem=False,
        protect_stateful=True,
    )


# --- component shape ---------------------------------------------------------------------------------


def test_component_type_token_and_child_names(default_graph: ResourceGraph) -> None:
    component = one(default_graph, "secure-ecs:index:SecureFargateService")
    children = [r for r in default_graph if r.urn != component.urn and "SecureFargateService" in r.urn]
    assert children
    assert all(r.name.startswith("web-") for r in children)


# --- ECR ----------------------------------------------------------------------------------------------


def test_repository_scans_on_push_is_immutable_and_kms_encrypted(default_graph: ResourceGraph) -> None:
    repo = one(default_graph, "aws:ecr/repository:Repository").inputs
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["encryptionConfigurations"][0]["encryptionType"] == "KMS"
    assert repo["encryptionConfigurations"][0]["kmsKey"].startswith("arn:aws:kms:")


def test_unprotected_repository_is_force_deleted_protected_one_is_kept(
    default_graph: ResourceGraph, full_graph: ResourceGraph
) -> None:
    # Otherwise `pulumi destroy` of a dev stack stops at RepositoryNotEmptyException.
    assert one(default_graph, "aws:ecr/repository:Repository").inputs["forceDelete"] is True
    protected = one(full_graph, "aws:ecr/repository:Repository")
    assert protected.inputs["forceDelete"] is False
    assert protected.options.protect and protected.options.retain_on_delete


def test_built_image_is_tagged_by_the_contents_of_its_context(tmp_path: Path) -> None:
    context = tmp_path / "app"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\nCOPY app.txt /\n")
    (context / "app.txt").write_text("v1")

    def tag() -> str:
        image = one(build(image=None, docker_context=str(context)), "awsx:ecr:Image")
        return str(image.inputs["imageTag"])

    first = tag()
    assert first == tag()  # an unchanged context is not pushed again
    (context / "app.txt").write_text("v2")
    assert tag() != first  # a changed one gets a new tag in the IMMUTABLE repository


def test_existing_repository_is_used_instead_of_creating_one() -> None:
    registry = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/releases/web"
    graph = build(repository_url=registry)
    assert not graph.of_type("aws:ecr/repository:Repository")
    assert container(graph)["image"] == f"{registry}@{DIGEST}"
    pull = next(s for s in execution_policy(graph)["Statement"] if s["Sid"] == "PullThisRepository")
    assert pull["Resource"] == [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/releases/web"]


def test_pulumi_up_waits_for_a_healthy_deployment(default_graph: ResourceGraph) -> None:
    service = one(default_graph, "aws:ecs/service:Service").inputs
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["waitForSteadyState"] is True


def test_service_waits_for_its_role_policies(full_graph: ResourceGraph) -> None:
    service = one(full_graph, "aws:ecs/service:Service")
    policies = {r.urn for r in full_graph.of_type("aws:iam/rolePolicy:RolePolicy")}
    assert policies and policies <= set(service.dependencies)


def test_task_role_may_connect_to_the_database_as_its_iam_user() -> None:
    user_arn = f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:db-ABCDEFG/app"
    graph = build(database_connect_arns=[user_arn])
    policy = next(r for r in graph.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "web-database-connect")
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Action"] == "rds-db:connect" and statement["Resource"] == [user_arn]
    task_role = next(r for r in graph.of_type("aws:iam/role:Role") if r.name == "web-task-role")
    assert policy.inputs["role"] == task_role.id


def test_long_names_that_auto_naming_cannot_fit_are_refused() -> None:
    with pytest.raises(ComponentArgumentError, match="at most 41 characters"):
        run_offline(lambda: SecureFargateService("x" * 42, dict(BASE_ARGS)))  # type: ignore[arg-type]


def test_repository_has_lifecycle_policy(default_graph: ResourceGraph) -> None:
    policy = json.loads(one(default_graph, "aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs["policy"])
    kept = [r for r in policy["rules"] if r["selection"]["countType"] == "imageCountMoreThan"]
    assert kept[0]["selection"]["countNumber"] == 30


def test_image_digest_is_pinned_in_this_repository(default_graph: ResourceGraph) -> None:
    repo_url = one(default_graph, "aws:ecr/repository:Repository").outputs["repositoryUrl"]
    assert container(default_graph)["image"] == f"{repo_url}@{DIGEST}"
    assert not default_graph.of_type("awsx:ecr:Image")


def test_image_from_another_ecr_repository_can_be_pulled() -> None:
    uri = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/base@sha256:" + "b" * 64
    graph = build(image=uri)
    assert container(graph)["image"] == uri
    pull = next(s for s in execution_policy(graph)["Statement"] if s["Sid"] == "PullThisRepository")
    repo_arn = one(graph, "aws:ecr/repository:Repository").outputs["arn"]
    assert pull["Resource"] == sorted([repo_arn, "arn:aws:ecr:eu-west-1:111122223333:repository/team/base"])


def test_full_image_uri_is_used_as_given() -> None:
    uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/other@{DIGEST}"
    assert container(build(image=uri))["image"] == uri


def test_docker_context_builds_with_awsx_for_the_task_architecture(full_graph: ResourceGraph) -> None:
    image = one(full_graph, "awsx:ecr:Image")
    assert image.inputs["platform"] == "linux/arm64"
    assert image.inputs["repositoryUrl"] == one(full_graph, "aws:ecr/repository:Repository").outputs["repositoryUrl"]
    runtime = one(full_graph, "aws:ecs/taskDefinition:TaskDefinition").inputs["runtimePlatform"]
    assert runtime == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}


# --- cluster and logs -----------------------------------------------------------------------------------


def test_cluster_has_container_insights(default_graph: ResourceGraph) -> None:
    settings = one(default_graph, "aws:ecs/cluster:Cluster").inputs["settings"]
    assert {"name": "containerInsights", "value": "enabled"} in settings


def test_log_group_is_kms_encrypted_with_retention(default_graph: ResourceGraph) -> None:
    group = one(default_graph, "aws:cloudwatch/logGroup:LogGroup").inputs
    assert group["kmsKeyId"] == one(default_graph, "aws:kms/key:Key").outputs["arn"]
    assert group["retentionInDays"] == 30
    assert one(default_graph, "aws:kms/key:Key").inputs["enableKeyRotation"] is True


# --- IAM ------------------------------------------------------------------------------------------------


def test_roles_trust_only_ecs_tasks_of_this_account(default_graph: ResourceGraph) -> None:
    for role in default_graph.of_type("aws:iam/role:Role"):
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_execution_role_is_scoped_to_this_repository_and_log_group(default_graph: ResourceGraph) -> None:
    statements = execution_policy(default_graph)["Statement"]
    wildcard = [s for s in statements if s["Resource"] == "*"]
    assert [s["Action"] for s in wildcard] == ["ecr:GetAuthorizationToken"]
    repo_arn = one(default_graph, "aws:ecr/repository:Repository").outputs["arn"]
    log_arn = one(default_graph, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]
    resources = {s["Sid"]: s["Resource"] for s in statements}
    assert resources["PullThisRepository"] == [repo_arn]
    assert resources["WriteThisLogGroup"] == f"{log_arn}:log-stream:*"
    assert not any("secretsmanager" in json.dumps(s) or "kms:Decrypt" in json.dumps(s) for s in statements)


def test_execution_role_reads_exactly_the_referenced_secrets(full_graph: ResourceGraph) -> None:
    resources = {s["Sid"]: s for s in execution_policy(full_graph)["Statement"]}
    assert resources["ReadReferencedSecrets"]["Resource"] == [SECRET_ARN]
    decrypt = resources["DecryptReferencedSecrets"]
    assert decrypt["Resource"] == [SECRET_KEY_ARN]
    assert f"secretsmanager.{REGION}.amazonaws.com" in decrypt["Condition"]["StringEquals"]["kms:ViaService"]


def test_task_role_is_empty_by_default(default_graph: ResourceGraph) -> None:
    task_role = next(r for r in default_graph.of_type("aws:iam/role:Role") if r.name == "web-task-role")
    attached = [r for r in default_graph if r.parent == task_role.urn]
    assert attached == []


def test_task_role_takes_managed_policies_only_when_given() -> None:
    graph = build(task_role_managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])
    attachment = one(graph, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


# --- task definition ------------------------------------------------------------------------------------


def test_task_definition_is_fargate_awsvpc_with_valid_size(default_graph: ResourceGraph) -> None:
    task = one(default_graph, "aws:ecs/taskDefinition:TaskDefinition").inputs
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert task["networkMode"] == "awsvpc"
    assert (task["cpu"], task["memory"]) == ("256", "512")
    assert task["runtimePlatform"] == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"}


def test_container_is_read_only_non_root_and_unprivileged(default_graph: ResourceGraph) -> None:
    spec = container(default_graph)
    assert spec["readonlyRootFilesystem"] is True
    assert spec["user"] == "1000:1000"
    assert spec["privileged"] is False
    assert spec["linuxParameters"]["capabilities"]["drop"] == ["ALL"]


def test_read_only_root_gets_a_writable_tmp_volume(default_graph: ResourceGraph) -> None:
    volumes = one(default_graph, "aws:ecs/taskDefinition:TaskDefinition").inputs["volumes"]
    mount = container(default_graph)["mountPoints"][0]
    assert mount["containerPath"] == "/tmp"
    assert mount["readOnly"] is False
    assert volumes == [{"name": mount["sourceVolume"]}]


def test_container_health_check_hits_health_path(default_graph: ResourceGraph) -> None:
    check = container(default_graph)["healthCheck"]
    assert check["command"][0] == "CMD-SHELL"
    assert "http://localhost:8080/api/health" in check["command"][1]


def test_container_logs_to_its_log_group(default_graph: ResourceGraph) -> None:
    logging = container(default_graph)["logConfiguration"]
    assert logging["logDriver"] == "awslogs"
    assert logging["options"]["awslogs-group"] == one(default_graph, "aws:cloudwatch/logGroup:LogGroup").outputs["name"]
    assert logging["options"]["awslogs-region"] == REGION


def test_secrets_arrive_through_value_from_never_environment(full_graph: ResourceGraph) -> None:
    spec = container(full_graph)
    assert spec["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": f"{SECRET_ARN}:password::"}]
    assert {e["name"] for e in spec["environment"]} == {"LOG_LEVEL", "DATABASE_URL"}
    assert SECRET_ARN not in json.dumps(spec["environment"])


# --- service ----------------------------------------------------------------------------------------------


def test_service_runs_privately_on_latest_fargate(default_graph: ResourceGraph) -> None:
    service = one(default_graph, "aws:ecs/service:Service").inputs
    assert service["launchType"] == "FARGATE"
    assert service["platformVersion"] == "LATEST"
    network = service["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == ["subnet-app-a", "subnet-app-b"]
    assert network["securityGroups"] == [task_group_id(default_graph)]


def test_service_rolls_back_failed_deployments(default_graph: ResourceGraph) -> None:
    service = one(default_graph, "aws:ecs/service:Service").inputs
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["healthCheckGracePeriodSeconds"] == 60


def test_service_registers_container_port_with_target_group(default_graph: ResourceGraph) -> None:
    (attachment,) = one(default_graph, "aws:ecs/service:Service").inputs["loadBalancers"]
    assert attachment == {"targetGroupArn": TARGET_GROUP_ARN, "containerName": "app", "containerPort": 8080}


def test_ecs_exec_is_off_by_default(default_graph: ResourceGraph) -> None:
    assert one(default_graph, "aws:ecs/service:Service").inputs["enableExecuteCommand"] is False


def test_ecs_exec_opt_in(full_graph: ResourceGraph) -> None:
    assert one(full_graph, "aws:ecs/service:Service").inputs["enableExecuteCommand"] is True
    assert container(full_graph)["readonlyRootFilesystem"] is False
    exec_policy = next(r for r in full_graph.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "web-exec-policy")
    statements = {s["Sid"]: s for s in json.loads(exec_policy.inputs["policy"])["Statement"]}
    assert "ssmmessages:CreateControlChannel" in statements["EcsExecChannel"]["Action"]
    # The session is encrypted with the cluster's key and logged to the service's group.
    cluster_key = one(full_graph, "aws:ecs/cluster:Cluster").inputs["configuration"]["executeCommandConfiguration"]
    assert statements["EcsExecSessionKey"]["Resource"] == cluster_key["kmsKeyId"]
    log_group = one(full_graph, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]
    assert statements["EcsExecSessionLogs"]["Resource"] == [log_group, f"{log_group}:log-stream:*"]


# --- security groups --------------------------------------------------------------------------------------


def _rule_view(rule: CapturedResource) -> tuple[str, str, str, int]:
    peer = (
        rule.inputs.get("referencedSecurityGroupId") or rule.inputs.get("prefixListId") or rule.inputs.get("cidrIpv4")
    )
    direction = "in" if "Ingress" in rule.type else "out"
    return direction, rule.inputs["securityGroupId"], str(peer), rule.inputs["fromPort"]


def test_task_group_has_no_inline_rules(default_graph: ResourceGraph) -> None:
    group = one(default_graph, "aws:ec2/securityGroup:SecurityGroup").inputs
    assert "ingress" not in group
    assert "egress" not in group


def test_security_group_pairings_without_database(default_graph: ResourceGraph) -> None:
    tasks = task_group_id(default_graph)
    assert sorted(_rule_view(r) for r in rules(default_graph)) == sorted(
        [
            ("in", tasks, "sg-alb", 8080),
            ("out", "sg-alb", tasks, 8080),
            ("out", tasks, "sg-endpoints", 443),
            ("in", "sg-endpoints", tasks, 443),
            ("out", tasks, "pl-s3", 443),
        ]
    )


def test_database_pairing_only_when_database_given(full_graph: ResourceGraph) -> None:
    tasks = task_group_id(full_graph)
    views = [_rule_view(r) for r in rules(full_graph)]
    assert ("out", tasks, "sg-db", 5432) in views
    assert ("in", "sg-db", tasks, 5432) in views


def test_nothing_to_or_from_anywhere(full_graph: ResourceGraph) -> None:
    for rule in rules(full_graph):
        assert "cidrIpv4" not in rule.inputs
        assert "cidrIpv6" not in rule.inputs
        assert rule.inputs["ipProtocol"] == "tcp"


# --- autoscaling ------------------------------------------------------------------------------------------


def test_no_autoscaling_by_default(default_graph: ResourceGraph) -> None:
    assert not default_graph.of_type("aws:appautoscaling/target:Target")
    assert one(default_graph, "aws:ecs/service:Service").options.ignore_changes == ()


def test_autoscaling_tracks_cpu_between_bounds(full_graph: ResourceGraph) -> None:
    target = one(full_graph, "aws:appautoscaling/target:Target").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 6)
    assert target["scalableDimension"] == "ecs:service:DesiredCount"
    policy = one(full_graph, "aws:appautoscaling/policy:Policy").inputs
    assert policy["policyType"] == "TargetTrackingScaling"
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert tracking["targetValue"] == 60
    assert one(full_graph, "aws:ecs/service:Service").options.ignore_changes == ("desiredCount",)


# --- stateful resources -----------------------------------------------------------------------------------

STATEFUL = ("aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "aws:kms/key:Key")


def test_stateful_resources_are_disposable_when_unprotected(default_graph: ResourceGraph) -> None:
    for token in STATEFUL:
        assert one(default_graph, token).options.retain_on_delete is False


def test_stateful_resources_are_protected_by_default() -> None:
    graph = build()
    for token in STATEFUL:
        assert one(graph, token).options.protect is True, token


def test_task_family_is_unique_per_project_and_stack(default_graph: ResourceGraph) -> None:
    assert one(default_graph, "aws:ecs/taskDefinition:TaskDefinition").inputs["family"] == "secure-ecs-test-web"
    chosen = build(family="shop-web")
    assert one(chosen, "aws:ecs/taskDefinition:TaskDefinition").inputs["family"] == "shop-web"


BROUGHT = {
    "cluster_arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/shared",
    "execution_role_arn": f"arn:aws:iam::{ACCOUNT}:role/platform/ecs-agent",
    "task_role_arn": f"arn:aws:iam::{ACCOUNT}:role/platform/web-app",
    "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/3333-4444",
    "security_group_id": "sg-0123456789abcdef0",
}


def test_brought_cluster_roles_key_and_group_are_used_not_created() -> None:
    graph = build(
        **BROUGHT,
        task_role_managed_policy_arns=["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        autoscaling={"min_count": 2, "max_count": 4},
    )
    created = ("aws:ecs/cluster:Cluster", "aws:iam/role:Role", "aws:kms/key:Key", "aws:ec2/securityGroup:SecurityGroup")
    for token in created:
        assert not graph.of_type(token), token
    task = one(graph, "aws:ecs/taskDefinition:TaskDefinition").inputs
    assert (task["executionRoleArn"], task["taskRoleArn"]) == (BROUGHT["execution_role_arn"], BROUGHT["task_role_arn"])
    service = one(graph, "aws:ecs/service:Service").inputs
    assert service["cluster"] == BROUGHT["cluster_arn"]
    assert service["networkConfiguration"]["securityGroups"] == [BROUGHT["security_group_id"]]
    assert one(graph, "aws:cloudwatch/logGroup:LogGroup").inputs["kmsKeyId"] == BROUGHT["kms_key_arn"]
    attachment = one(graph, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs
    assert attachment["role"] == "web-app"
    assert one(graph, "aws:appautoscaling/target:Target").inputs["resourceId"].startswith("service/shared/")
    assert all(r.inputs["securityGroupId"] == BROUGHT["security_group_id"] for r in rules(graph)
               if r.inputs.get("securityGroupId") not in ("sg-alb", "sg-endpoints"))


def test_protect_stateful_retains_repository_logs_and_key(full_graph: ResourceGraph) -> None:
    for token in STATEFUL:
        assert one(full_graph, token).options.retain_on_delete is True, token
    assert one(full_graph, "aws:cloudwatch/logGroup:LogGroup").inputs["deletionProtectionEnabled"] is True


# --- refusals ---------------------------------------------------------------------------------------------

REFUSALS: list[tuple[dict[str, Any], str]] = [
    ({"docker_context": "."}, "image"),
    ({"image": None}, "image"),
    ({"image": None, "docker_context": "/does/not/exist"}, "docker_context"),
    ({"cpu": 300}, "cpu"),
    ({"cpu": 256, "memory": 4096}, "memory"),
    ({"user": "root"}, "user"),
    ({"user": "0:0"}, "user"),
    ({"environment": {"DB_PASSWORD": "hunter2"}}, "environment.DB_PASSWORD"),
    ({"environment": {"STRIPE_API_KEY": "sk_live"}}, "environment.STRIPE_API_KEY"),
    ({"environment": {"GITHUB_TOKEN": "ghp_x"}}, "environment.GITHUB_TOKEN"),
    ({"environment": {"AWS_SECRET_ACCESS_KEY": "x"}}, "environment.AWS_SECRET_ACCESS_KEY"),
    ({"environment": {"DATABASE_URL": "postgres://app:pw@db:5432/app"}}, "environment.DATABASE_URL"),
    ({"enable_execute_command": True}, "enable_execute_command"),
    ({"autoscaling": {"min_count": 1}}, "autoscaling.max_count"),
    ({"autoscaling": {"min_count": 3, "max_count": 5}, "desired_count": 2}, "desired_count"),
    ({"autoscaling": {"min_count": 3, "max_count": 5, "cpu_target_percent": 120}}, "autoscaling.cpu_target_percent"),
    ({"secrets": {"DB_PASSWORD": "my-secret"}}, "secrets.DB_PASSWORD"),
    ({"secrets": {"DB_PASSWORD": "arn:aws:s3:::bucket/password"}}, "secrets.DB_PASSWORD"),
    ({"user": "app user"}, "user"),
    ({"environment": {"MODE": "a"}, "secrets": {"MODE": SECRET_ARN}}, "secrets"),
    ({"cpu_architecture": "arm"}, "cpu_architecture"),
    ({"security_group_id": "default"}, "security_group_id"),
    ({"container_insights": "off"}, "container_insights"),
    ({"log_retention_days": 10}, "log_retention_days"),
    ({"health_check_path": "health"}, "health_check_path"),
    ({"protect_stateful": "yes"}, "protect_stateful"),
]


@pytest.mark.parametrize(("overrides", "argument"), REFUSALS, ids=[a for _, a in REFUSALS])
def test_refuses_unsafe_or_contradictory_arguments(overrides: dict[str, Any], argument: str) -> None:
    with pytest.raises(ComponentArgumentError) as refused:
        build(**overrides)
    assert refused.value.argument == argument
    assert str(refused.value).startswith(f"SecureFargateService 'web': argument `{argument}`")


def test_refusal_never_echoes_a_secret_value() -> None:
    with pytest.raises(ComponentArgumentError) as refused:
        build(environment={"DB_PASSWORD": "hunter2"})
    assert "hunter2" not in str(refused.value)
    assert "secrets" in str(refused.value)


# --- the secret-name matcher ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD",
        "db_password",
        "JWT_SECRET",
        "API_KEY",
        "OPENAI_APIKEY",
        "PRIVATE_KEY_PEM",
        "CLIENT_SECRET",
        "SLACK_TOKEN",
        "SMTP_CREDENTIALS",
        "AWS_ACCESS_KEY_ID",
        "MONGO_CONNECTION_STRING",
        "app.signing-key",
    ],
)
def test_matcher_flags_credential_names(name: str) -> None:
    assert name_looks_secret(name)


@pytest.mark.parametrize(
    "name",
    [
        "LOG_LEVEL",
        "PORT",
        "DATABASE_URL",
        "PASSWORD_MIN_LENGTH",
        "TOKEN_TTL",
        "JWT_SECRET_ARN",
        "API_KEY_HEADER",
        "PWD",
        "KEYCLOAK_REALM",
        "BYPASS_CACHE",
        "DB_HOST",
    ],
)
def test_matcher_allows_descriptive_names(name: str) -> None:
    assert not name_looks_secret(name)


def test_url_password_detection() -> None:
    assert value_embeds_password("postgresql://app:s3cret@db.internal:5432/app")
    assert not value_embeds_password("postgresql://db.internal:5432/app")
    assert not value_embeds_password("https://user@example.com/")


def test_docker_context_relative_to_cwd_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ComponentArgumentError, match="no Dockerfile in app"):
        build(image=None, docker_context="app")
    (tmp_path / "app" / "Dockerfile").write_text("FROM scratch\n")
    graph = build(image=None, docker_context="app")
    assert one(graph, "awsx:ecr:Image").inputs["context"] == "app"
