"""SecureFargateService: one container image run as a private, hardened ECS Fargate service.

Creates the ECR repository, the image (given or built), the cluster, the encrypted log group,
least-privilege roles, the hardened task definition, the service in private subnets without
public IPs, its security group with every rule pairing it takes part in, and optional autoscaling.
"""


import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components import iam_documents
from components.aws_context import current_aws_context
from components.container_definition import (
    SCRATCH_VOLUME_NAME,
    ContainerSpec,
    HealthCheck,
    container_definitions_json,
    default_health_check_command,
)
from components.encryption import customer_managed_key
from components.errors import ComponentArgumentError
from components.fargate_sizes import describe_memory_values, valid_cpu_values, valid_memory_values
from components.image_reference import ecr_repository_arn, resolve_image
from components.log_group import encrypted_log_group
from components.secret_reference import SecretReference
from components.security_group_pairing import RulePair, allow_tcp_between, rule_free_security_group
from components.validation import (
    require_bool,
    require_choice,
    require_http_path,
    require_int,
    require_log_retention,
)
from secure_ecs_policies.secret_names import name_looks_secret, value_embeds_password

COMPONENT = "SecureFargateService"
HTTPS_PORT = 443
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ROOT_USERS = ("root", "0")


class SecureFargateServiceArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC the tasks run in."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Private app subnets for the tasks (no route to an internet gateway)."""
    alb_security_group_id: Required[pulumi.Input[str]]
    """The load balancer's security group: the only source admitted to the container port."""
    target_group_arn: Required[pulumi.Input[str]]
    """Target group (type ip) the service registers its tasks with."""
    endpoint_security_group_id: Required[pulumi.Input[str]]
    """Security group of the interface VPC endpoints (ECR, Logs, Secrets Manager); reached on 443."""
    s3_prefix_list_id: Required[pulumi.Input[str]]
    """Prefix list of the S3 gateway endpoint, for image layers; reached on 443."""
    database_security_group_id: pulumi.Input[str]
    """Security group of the database the tasks call. Default: none (no database rules)."""
    database_port: int
    """Port of that database. Default 5432."""
    image: pulumi.Input[str]
    """Image to run: a full URI (`repo@sha256:...` or `repo:tag`) or a bare `sha256:` digest in this
    service's repository. Exactly one of `image` and `docker_context` is required."""
    docker_context: str
    """Directory to build with Docker and push to this service's repository (via `awsx.ecr.Image`)."""
    dockerfile: str
    """Dockerfile for `docker_context`. Default `<docker_context>/Dockerfile`."""
    container_name: str
    """Name of the container in the task definition. Default "app"."""
    container_port: int
    """Port the application listens on. Default 8080."""
    cpu: int
    """Task CPU units. Default 256."""
    memory: int
    """Task memory in MiB, a Fargate-valid pair with `cpu`. Default 512."""
    cpu_architecture: str
    """CPU architecture of the image: "X86_64" (default) or "ARM64"."""
    user: str
    """User (and group) the container runs as; root is refused. Default "1000:1000"."""
    readonly_root_filesystem: bool
    """Mount the root filesystem read-only (a writable /tmp is always mounted). Default true."""
    environment: Mapping[str, pulumi.Input[str]]
    """Plain, non-secret environment variables. Names that look like credentials are refused.
    Default none."""
    secrets: Sequence[SecretReference]
    """Secrets injected by ECS from Secrets Manager / SSM. Default none."""
    secret_kms_key_arns: Sequence[pulumi.Input[str]]
    """Customer-managed KMS keys that encrypt those secrets. Default none (AWS-managed keys)."""
    health_check_path: str
    """Path the default container health check requests. Default "/api/health"."""
    health_check_command: Sequence[str]
    """Container health check command (ECS form, e.g. ["CMD", "/bin/check"]). Default: curl
    `http://localhost:<container_port><health_check_path>`."""
    health_check_grace_period_seconds: int
    """Seconds the service ignores load balancer health checks after a task starts. Default 60."""
    desired_count: int
    """Tasks to run. Default 2."""
    min_count: int
    """Autoscaling floor. Autoscaling is on when `min_count` and `max_count` are both set. Default none."""
    max_count: int
    """Autoscaling ceiling. Default none."""
    cpu_target_utilization: float
    """Average CPU percentage autoscaling tracks. Default 60."""
    enable_execute_command: bool
    """Allow ECS Exec into running tasks (needs `readonly_root_filesystem=False`). Default false."""
    task_role_managed_policy_arns: Sequence[pulumi.Input[str]]
    """Managed policies for the application's task role. Default none (empty role)."""
    container_insights: str
    """Container Insights level of the cluster: "enhanced", "enabled" (default) or "disabled"."""
    log_retention_days: int
    """Retention of the container log group. Default 30."""
    keep_images: int
    """Images the ECR lifecycle policy keeps; older ones expire. Default 30."""
    protect_stateful: bool
    """Keep the repository, log group and KMS key if the stack is destroyed (retain on delete,
    log-group deletion protection). Default false."""
    tags: pulumi.Input[dict[str, str]]
    """Tags for every taggable resource. Default none."""


def _reject(argument: str, value: Any, allowed: str) -> ComponentArgumentError:
    return ComponentArgumentError(COMPONENT, argument, value, allowed)


def _check_environment(environment: Mapping[str, pulumi.Input[str]]) -> None:
    for env_name, env_value in environment.items():
        if not isinstance(env_name, str) or not _ENV_NAME.match(env_name):
            raise _reject(
                "environment", env_name, "variable names are letters, digits and '_', not starting with a digit"
            )
        if name_looks_secret(env_name):
            raise _reject(
                f"environment.{env_name}",
                "<value withheld>",
                "this name looks like a credential; pass it in `secrets` (valueFrom a Secrets Manager ARN) instead",
            )
        if isinstance(env_value, str) and value_embeds_password(env_value):
            raise _reject(
                f"environment.{env_name}",
                "<URL with password withheld>",
                "the value embeds a password; pass it in `secrets` instead",
            )


def _checked_environment_values(values: dict[str, Any]) -> dict[str, str]:
    """Values only known at deploy time get the password-in-URL check once they resolve."""
    for env_name, env_value in values.items():
        if value_embeds_password(env_value):
            raise _reject(
                f"environment.{env_name}", "<URL with password withheld>", "the value embeds a password; use `secrets`"
            )
    return values


def _check_secrets(secrets: Sequence[SecretReference], environment: Mapping[str, Any]) -> None:
    seen: set[str] = set()
    for secret in secrets:
        secret_name = secret.get("name")
        if not isinstance(secret_name, str) or not _ENV_NAME.match(secret_name):
            raise _reject("secrets[].name", secret_name, "use an environment variable name such as DB_PASSWORD")
        if secret_name in seen or secret_name in environment:
            raise _reject("secrets[].name", secret_name, "each variable is set once, in `secrets` or `environment`")
        seen.add(secret_name)
        value_from = secret.get("value_from")
        if value_from is None or (isinstance(value_from, str) and not value_from.startswith("arn:")):
            raise _reject(
                f"secrets[{secret_name}].value_from",
                value_from,
                "use the full ARN of the secret or parameter, so the execution role can be scoped to it",
            )


def _check_user(user: object) -> str:
    if not isinstance(user, str) or not user.strip():
        raise _reject("user", user, "use a non-root user such as '1000:1000'")
    if user.split(":", 1)[0] in _ROOT_USERS:
        raise _reject("user", user, "containers never run as root; use a non-root uid such as '1000:1000'")
    return user


def _lifecycle_policy(keep_images: int) -> str:
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "Untagged layers left by failed or superseded pushes",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": 7,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"Keep the newest {keep_images} images for rollback",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
                    "action": {"type": "expire"},
                },
            ]
        }
    )


class SecureFargateService(pulumi.ComponentResource):
    """A private Fargate service behind a load balancer, with hardened defaults."""

    cluster_name: pulumi.Output[str]
    """Name of the ECS cluster."""
    cluster_arn: pulumi.Output[str]
    """ARN of the ECS cluster."""
    service_name: pulumi.Output[str]
    """Name of the ECS service."""
    service_arn: pulumi.Output[str]
    """ARN of the ECS service."""
    task_definition_arn: pulumi.Output[str]
    """ARN (with revision) of the task definition."""
    repository_url: pulumi.Output[str]
    """URL of the ECR repository images are pulled from."""
    repository_arn: pulumi.Output[str]
    """ARN of the ECR repository."""
    image_uri: pulumi.Output[str]
    """Image the container runs."""
    log_group_name: pulumi.Output[str]
    """CloudWatch log group of the container."""
    security_group_id: pulumi.Output[str]
    """Security group of the tasks."""
    execution_role_arn: pulumi.Output[str]
    """Role the ECS agent uses to pull the image, write logs and read the secrets."""
    task_role_arn: pulumi.Output[str]
    """Role the application runs with."""

    def __init__(self, name: str, args: SecureFargateServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Every argument is checked before anything is registered, so a refusal leaves no partial component.
        # Plain-value arguments decide which resources exist: validate them all before creating any.
        container_name = args.get("container_name", "app")
        if not isinstance(container_name, str) or not re.match(r"^[A-Za-z0-9_-]{1,255}$", container_name):
            raise _reject("container_name", container_name, "use letters, digits, '-' and '_'")
        container_port = require_int(
            COMPONENT, "container_port", args.get("container_port", 8080), minimum=1, maximum=65535
        )
        database_port = require_int(
            COMPONENT, "database_port", args.get("database_port", 5432), minimum=1, maximum=65535
        )
        cpu = require_choice(COMPONENT, "cpu", args.get("cpu", 256), valid_cpu_values())
        memory = args.get("memory", 512)
        if memory not in valid_memory_values(cpu):
            raise _reject("memory", memory, f"with cpu={cpu} Fargate accepts {describe_memory_values(cpu)} MiB")
        cpu_architecture = require_choice(
            COMPONENT, "cpu_architecture", args.get("cpu_architecture", "X86_64"), ("X86_64", "ARM64")
        )
        user = _check_user(args.get("user", "1000:1000"))
        readonly_root = require_bool(COMPONENT, "readonly_root_filesystem", args.get("readonly_root_filesystem", True))
        enable_exec = require_bool(COMPONENT, "enable_execute_command", args.get("enable_execute_command", False))
        if enable_exec and readonly_root:
            raise _reject(
                "enable_execute_command",
                True,
                "ECS Exec's agent needs a writable root filesystem; set readonly_root_filesystem=False to accept that",
            )
        environment = dict(args.get("environment", {}))
        _check_environment(environment)
        secrets = list(args.get("secrets", []))
        _check_secrets(secrets, environment)
        health_check_path = require_http_path(
            COMPONENT, "health_check_path", args.get("health_check_path", "/api/health")
        )
        health_check_command = tuple(
            args.get("health_check_command", default_health_check_command(container_port, health_check_path))
        )
        if not health_check_command or health_check_command[0] not in ("CMD", "CMD-SHELL"):
            raise _reject("health_check_command", list(health_check_command), "start with 'CMD' or 'CMD-SHELL'")
        grace_period = require_int(
            COMPONENT,
            "health_check_grace_period_seconds",
            args.get("health_check_grace_period_seconds", 60),
            minimum=0,
            maximum=2147483647,
        )
        desired_count = require_int(COMPONENT, "desired_count", args.get("desired_count", 2), minimum=0, maximum=5000)
        scaling = self._scaling_bounds(args, desired_count)
        cpu_target = args.get("cpu_target_utilization", 60.0)
        if isinstance(cpu_target, bool) or not isinstance(cpu_target, (int, float)) or not 1 <= cpu_target <= 100:
            raise _reject("cpu_target_utilization", cpu_target, "use a percentage from 1 to 100")
        container_insights = require_choice(
            COMPONENT,
            "container_insights",
            args.get("container_insights", "enabled"),
            ("enhanced", "enabled", "disabled"),
        )
        log_retention = require_log_retention(COMPONENT, "log_retention_days", args.get("log_retention_days", 30))
        keep_images = require_int(COMPONENT, "keep_images", args.get("keep_images", 30), minimum=1, maximum=10000)
        protect = require_bool(COMPONENT, "protect_stateful", args.get("protect_stateful", False))
        image_arg = args.get("image")
        docker_context = args.get("docker_context")
        if (image_arg is None) == (docker_context is None):
            raise _reject("image", image_arg, "give exactly one of `image` (URI or digest) and `docker_context`")
        if isinstance(image_arg, str) and not image_arg.strip():
            raise _reject("image", image_arg, "use an image URI or a sha256 digest")
        if docker_context is not None and not Path(docker_context).is_dir():
            raise _reject("docker_context", docker_context, "use an existing directory containing the Dockerfile")
        tags = args.get("tags")

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)
        child = pulumi.ResourceOptions(parent=self)

        # One key for this service's data at rest (images and logs); its policy lets CloudWatch Logs
        # use it only for log groups of this account and region.
        self.kms_key = customer_managed_key(
            f"{name}-key",
            f"{name}: ECR images and container logs",
            context,
            self,
            for_log_groups=True,
            retain_on_delete=protect,
            tags=tags,
        )

        self.repository = aws.ecr.Repository(
            f"{name}-repo",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            image_tag_mutability="IMMUTABLE",
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=self.kms_key.arn)
            ],
            # A repository holding images is never deleted by the provider; the images are the release history.
            force_delete=False,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=protect),
        )
        self.lifecycle_policy = aws.ecr.LifecyclePolicy(
            f"{name}-repo-lifecycle",
            repository=self.repository.name,
            policy=_lifecycle_policy(keep_images),
            opts=pulumi.ResourceOptions(parent=self.repository),
        )

        self.built_image: awsx.ecr.Image | None = None
        if docker_context is not None:
            self.built_image = awsx.ecr.Image(
                f"{name}-image",
                repository_url=self.repository.repository_url,
                context=docker_context,
                dockerfile=args.get("dockerfile"),
                platform="linux/arm64" if cpu_architecture == "ARM64" else "linux/amd64",
                opts=pulumi.ResourceOptions(parent=self.repository),
            )
            image: pulumi.Output[str] = self.built_image.image_uri
        else:
            image = pulumi.Output.all(pulumi.Output.from_input(image_arg), self.repository.repository_url).apply(
                lambda values: resolve_image(str(values[0]), str(values[1]))
            )

        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=container_insights)],
            configuration=aws.ecs.ClusterConfigurationArgs(
                execute_command_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationArgs(
                    kms_key_id=self.kms_key.arn, logging="DEFAULT"
                )
            )
            if enable_exec
            else None,
            tags=tags,
            opts=child,
        )

        self.log_group = encrypted_log_group(
            f"{name}-logs",
            kms_key=self.kms_key,
            retention_in_days=log_retention,
            parent=self,
            protect=protect,
            tags=tags,
        )

        self.security_group = rule_free_security_group(
            f"{name}-tasks-sg",
            vpc_id=args["vpc_id"],
            description=f"{name} Fargate tasks: from the load balancer only; to endpoints, S3 and the database only",
            parent=self,
            tags=tags,
        )
        self.rule_pairs = self._wire_security_groups(name, args, container_port, database_port)
        self.s3_egress = aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-s3",
            security_group_id=self.security_group.id,
            prefix_list_id=args["s3_prefix_list_id"],
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="Image layers from S3 through the gateway endpoint",
            opts=pulumi.ResourceOptions(parent=self.security_group),
        )

        secret_value_froms = pulumi.Output.all(*[s["value_from"] for s in secrets])
        secret_key_arns = pulumi.Output.all(*args.get("secret_kms_key_arns", []))
        trust_policy = pulumi.Output.all(context.account_id, context.region, context.partition).apply(
            lambda v: iam_documents.ecs_tasks_trust_policy(v[0], v[1], v[2])
        )
        self.execution_role = aws.iam.Role(
            f"{name}-execution-role",
            description=f"ECS agent for {name}: pull its image, write its logs, read its secrets",
            assume_role_policy=trust_policy,
            tags=tags,
            opts=child,
        )
        self.execution_role_policy = aws.iam.RolePolicy(
            f"{name}-execution-policy",
            role=self.execution_role.id,
            policy=pulumi.Output.all(
                self.repository.arn,
                self.log_group.arn,
                secret_value_froms,
                secret_key_arns,
                context.region,
                context.partition,
                image,
            ).apply(
                lambda v: iam_documents.execution_role_policy(
                    # An image from another ECR repository must be pullable too; its URI names it.
                    repository_arns=[v[0], *filter(None, [ecr_repository_arn(v[6], v[5])])],
                    log_group_arn=v[1],
                    secret_value_froms=v[2],
                    secret_kms_key_arns=v[3],
                    region=v[4],
                )
            ),
            opts=pulumi.ResourceOptions(parent=self.execution_role),
        )

        # The application's own role starts empty: it gets permissions only by explicit policy ARNs.
        self.task_role = aws.iam.Role(
            f"{name}-task-role",
            description=f"Application role of {name}",
            assume_role_policy=trust_policy,
            tags=tags,
            opts=child,
        )
        self.task_role_attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-task-policy-{index}",
                role=self.task_role.name,
                policy_arn=policy_arn,
                opts=pulumi.ResourceOptions(parent=self.task_role),
            )
            for index, policy_arn in enumerate(args.get("task_role_managed_policy_arns", []))
        ]
        self.exec_policy: aws.iam.RolePolicy | None = None
        if enable_exec:
            self.exec_policy = aws.iam.RolePolicy(
                f"{name}-exec-policy",
                role=self.task_role.id,
                policy=pulumi.Output.all(self.kms_key.arn, self.log_group.arn).apply(
                    lambda v: iam_documents.ecs_exec_policy(v[0], v[1])
                ),
                opts=pulumi.ResourceOptions(parent=self.task_role),
            )

        environment_values = pulumi.Output.from_input(environment).apply(_checked_environment_values)
        container_definitions = pulumi.Output.all(
            image, self.log_group.name, context.region, environment_values, secret_value_froms
        ).apply(
            lambda v: container_definitions_json(
                ContainerSpec(
                    name=container_name,
                    image=v[0],
                    port=container_port,
                    user=user,
                    log_group_name=v[1],
                    region=v[2],
                    health_check=HealthCheck(command=health_check_command),
                    environment=v[3],
                    secrets=[(s["name"], value_from) for s, value_from in zip(secrets, v[4], strict=True)],
                    readonly_root_filesystem=readonly_root,
                )
            )
        )
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(cpu),
            memory=str(memory),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=cpu_architecture
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=SCRATCH_VOLUME_NAME)],
            container_definitions=container_definitions,
            tags=tags,
            opts=child,
        )

        rules: list[pulumi.Resource] = [self.s3_egress]
        for pair in self.rule_pairs:
            rules.extend([pair.egress, pair.ingress])
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=desired_count,
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args["subnet_ids"],
                security_groups=[self.security_group.id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=args["target_group_arn"],
                    container_name=container_name,
                    container_port=container_port,
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            health_check_grace_period_seconds=grace_period,
            enable_execute_command=enable_exec,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # Tasks start only once they can reach the endpoints and be reached by the load balancer.
                depends_on=rules,
                # With autoscaling on, the scaler owns the task count; a later `pulumi up` must not reset it.
                ignore_changes=["desiredCount"] if scaling else None,
            ),
        )

        self.scaling_target: aws.appautoscaling.Target | None = None
        self.scaling_policy: aws.appautoscaling.Policy | None = None
        if scaling:
            self._autoscale(name, scaling, float(cpu_target), tags)

        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn
        self.service_name = self.service.name
        self.service_arn = self.service.id
        self.task_definition_arn = self.task_definition.arn
        self.repository_url = self.repository.repository_url
        self.repository_arn = self.repository.arn
        self.image_uri = image
        self.log_group_name = self.log_group.name
        self.security_group_id = self.security_group.id
        self.execution_role_arn = self.execution_role.arn
        self.task_role_arn = self.task_role.arn
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "cluster_arn": self.cluster_arn,
                "service_name": self.service_name,
                "service_arn": self.service_arn,
                "task_definition_arn": self.task_definition_arn,
                "repository_url": self.repository_url,
                "repository_arn": self.repository_arn,
                "image_uri": self.image_uri,
                "log_group_name": self.log_group_name,
                "security_group_id": self.security_group_id,
                "execution_role_arn": self.execution_role_arn,
                "task_role_arn": self.task_role_arn,
            }
        )

    @staticmethod
    def _scaling_bounds(args: SecureFargateServiceArgs, desired_count: int) -> tuple[int, int] | None:
        min_count = args.get("min_count")
        max_count = args.get("max_count")
        if min_count is None and max_count is None:
            return None
        if min_count is None or max_count is None:
            missing = "min_count" if min_count is None else "max_count"
            raise _reject(missing, None, "autoscaling needs both min_count and max_count")
        low = require_int(COMPONENT, "min_count", min_count, minimum=1, maximum=5000)
        high = require_int(COMPONENT, "max_count", max_count, minimum=1, maximum=5000)
        if not low <= desired_count <= high:
            raise _reject(
                "desired_count",
                desired_count,
                f"with autoscaling it must lie within min_count={low} and max_count={high}",
            )
        return low, high

    def _wire_security_groups(
        self, name: str, args: SecureFargateServiceArgs, container_port: int, database_port: int
    ) -> list[RulePair]:
        """Both sides of every flow the tasks take part in; nothing to or from 0.0.0.0/0."""
        pairs = [
            allow_tcp_between(
                f"{name}-alb-to-tasks",
                source_security_group_id=args["alb_security_group_id"],
                target_security_group_id=self.security_group.id,
                port=container_port,
                description=f"Load balancer to {name} tasks on the container port",
                parent=self.security_group,
            ),
            allow_tcp_between(
                f"{name}-tasks-to-endpoints",
                source_security_group_id=self.security_group.id,
                target_security_group_id=args["endpoint_security_group_id"],
                port=HTTPS_PORT,
                description=f"{name} tasks to the interface VPC endpoints",
                parent=self.security_group,
            ),
        ]
        database_group = args.get("database_security_group_id")
        if database_group is not None:
            pairs.append(
                allow_tcp_between(
                    f"{name}-tasks-to-database",
                    source_security_group_id=self.security_group.id,
                    target_security_group_id=database_group,
                    port=database_port,
                    description=f"{name} tasks to the database",
                    parent=self.security_group,
                )
            )
        return pairs

    def _autoscale(
        self, name: str, bounds: tuple[int, int], cpu_target: float, tags: pulumi.Input[dict[str, str]] | None
    ) -> None:
        resource_id = pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name)
        self.scaling_target = aws.appautoscaling.Target(
            f"{name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=resource_id,
            min_capacity=bounds[0],
            max_capacity=bounds[1],
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self.service),
        )
        self.scaling_policy = aws.appautoscaling.Policy(
            f"{name}-cpu-scaling",
            policy_type="TargetTrackingScaling",
            service_namespace=self.scaling_target.service_namespace,
            scalable_dimension=self.scaling_target.scalable_dimension,
            resource_id=self.scaling_target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                target_value=cpu_target,
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
                scale_in_cooldown=300,
                scale_out_cooldown=60,
            ),
            opts=pulumi.ResourceOptions(parent=self.scaling_target),
        )


__all__ = ["SecretReference", "SecureFargateService", "SecureFargateServiceArgs"]
