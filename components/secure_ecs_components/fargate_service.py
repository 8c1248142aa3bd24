"""SecureFargateService: one container image run as a private, hardened ECS Fargate service.

Creates (or takes) the ECR repository, the image (given or built), the cluster, the KMS key, the
encrypted log group, least-privilege roles, the hardened task definition, the service in private
subnets without public IPs, its security group with every rule pairing it takes part in, and
optional autoscaling. Cluster, repository, roles, key and security group can be brought instead.
"""

import enum
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Required, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from secure_ecs_components import iam_documents
from secure_ecs_components.aws_context import AwsContext, current_aws_context
from secure_ecs_components.build_context import content_tag
from secure_ecs_components.container_definition import (
    SCRATCH_VOLUME_NAME,
    ContainerSpec,
    HealthCheck,
    container_definitions_json,
    default_health_check_command,
)
from secure_ecs_components.encryption import customer_managed_key
from secure_ecs_components.errors import ComponentArgumentError
from secure_ecs_components.image_reference import ecr_repository_arn, is_ecr_image, resolve_image
from secure_ecs_components.log_group import encrypted_log_group
from secure_ecs_components.naming import require_auto_name_room
from secure_ecs_components.security_group_pairing import RulePair, allow_tcp_between, rule_free_security_group
from secure_ecs_components.spec import Arg, ArgSpec, Refusal, known
from secure_ecs_components.validation import PORT_RANGE, http_path, log_retention
from secure_ecs_facts.fargate_sizes import describe_memory_values, valid_cpu_values, valid_memory_values
from secure_ecs_facts.secret_names import name_looks_secret, value_embeds_password

COMPONENT = "SecureFargateService"
HTTPS_PORT = 443
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ROOT_USERS = ("root", "0")
# ECS `user`: user, user:group, uid, uid:gid (names or numbers).
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
# A Secrets Manager secret (optionally `:<json-key>:<version-stage>:<version-id>`) or an SSM parameter.
_SECRET_SOURCE = re.compile(
    r"^arn:aws[a-z-]*:(secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+|ssm:[a-z0-9-]+:\d{12}:parameter/\S+)$"
)
AUTO_NAMED_CHILDREN = {
    "-execution-role": "aws:iam/role:Role",
    "-task-role": "aws:iam/role:Role",
    "-tasks-sg": "aws:ec2/securityGroup:SecurityGroup",
    "-repo": "aws:ecr/repository:Repository",
    "-cluster": "aws:ecs/cluster:Cluster",
    "-service": "aws:ecs/service:Service",
}
FAMILY_LIMIT = 255


class CpuArchitecture(enum.StrEnum):
    """CPU architecture the image is built for."""

    X86_64 = "X86_64"
    """Intel/AMD 64-bit."""
    ARM64 = "ARM64"
    """Graviton (about 20% cheaper per vCPU-hour)."""


class ContainerInsights(enum.StrEnum):
    """Container Insights level of the cluster."""

    ENHANCED = "enhanced"
    """Task- and container-level metrics (billed per metric)."""
    ENABLED = "enabled"
    """Cluster- and service-level metrics."""
    DISABLED = "disabled"
    """No Container Insights metrics."""


class AutoscalingArgs(TypedDict, total=False):
    """Target-tracking autoscaling on the service's average CPU."""

    min_count: Required[pulumi.Input[int]]
    """Fewest running tasks, 1 to 5000. Required."""
    max_count: Required[pulumi.Input[int]]
    """Most running tasks, 1 to 5000. Required."""
    cpu_target_percent: pulumi.Input[float]
    """Average CPU percentage the policy holds the service at, 1 to 100. Default: 60."""


class SecureFargateServiceArgs(TypedDict, total=False):
    vpc_id: Required[pulumi.Input[str]]
    """VPC the tasks run in. Required."""
    subnet_ids: Required[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Private app subnets for the tasks (no route to an internet gateway). Required."""
    alb_security_group_id: Required[pulumi.Input[str]]
    """The load balancer's security group: the only source admitted to the container port. Required."""
    target_group_arn: Required[pulumi.Input[str]]
    """Target group (type ip) the service registers its tasks with. Required."""
    endpoint_security_group_id: Required[pulumi.Input[str]]
    """Security group of the interface VPC endpoints (ECR, Logs, Secrets Manager); reached on 443. Required."""
    s3_prefix_list_id: Required[pulumi.Input[str]]
    """Prefix list of the S3 gateway endpoint, for image layers; reached on 443. Required."""
    database_security_group_id: pulumi.Input[str]
    """Security group of the database the tasks call. Default: none (no database rules)."""
    database_port: pulumi.Input[int]
    """Port of that database. Default: 5432."""
    image: pulumi.Input[str]
    """Image to run: a full URI (`repo@sha256:...` or `repo:tag`) or a bare `sha256:` digest in the
    service's repository (which must already hold it: a new repository is empty on the first deploy).
    Exactly one of `image` and `docker_context` is required. Default: none."""
    docker_context: str
    """Directory to build with Docker and push to the service's repository (via `awsx.ecr.Image`),
    tagged with a digest of the context's files so each distinct build gets its own immutable tag.
    Default: none."""
    repository_url: pulumi.Input[str]
    """An existing ECR repository the image lives in: your own, or a registry stack's output read
    through a stack reference. The service then creates no repository. Default: none (the service
    creates its own: scan on push, immutable tags, KMS, lifecycle policy)."""
    dockerfile: str
    """Dockerfile for `docker_context`. Default: none (`<docker_context>/Dockerfile`)."""
    cluster_arn: pulumi.Input[str]
    """An existing ECS cluster to run in (shared by several services). Default: none (the service
    creates its own, with Container Insights)."""
    execution_role_arn: pulumi.Input[str]
    """An existing role for the ECS agent (image pull, logs, secrets); it must grant what this
    service needs. Default: none (a role scoped to this repository, log group and secrets)."""
    task_role_arn: pulumi.Input[str]
    """An existing role the application runs with; managed policies, database connect and ECS Exec
    permissions are attached to it. Default: none (an empty role of its own)."""
    kms_key_arn: pulumi.Input[str]
    """An existing customer-managed KMS key for the repository and logs; its policy must let
    CloudWatch Logs of this account use it. Default: none (a key of its own, rotated yearly)."""
    security_group_id: pulumi.Input[str]
    """An existing security group for the tasks; the service adds its rule pairs to it.
    Default: none (a rule-free group of its own)."""
    family: pulumi.Input[str]
    """Task definition family. Default: none (`<project>-<stack>-<name>`, unique per stack)."""
    container_name: pulumi.Input[str]
    """Name of the container in the task definition. Default: "app"."""
    container_port: pulumi.Input[int]
    """Port the application listens on; the load balancer forwards to it. Default: 8080."""
    cpu: pulumi.Input[int]
    """Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). Default: 256."""
    memory: pulumi.Input[int]
    """Task memory in MiB, a Fargate-valid pair with `cpu`. Default: 512."""
    cpu_architecture: CpuArchitecture
    """CPU architecture of the image. Default: "X86_64"."""
    user: pulumi.Input[str]
    """Non-root user (and group) the container runs as; root is refused. Default: "1000:1000"."""
    readonly_root_filesystem: pulumi.Input[bool]
    """Mount the root filesystem read-only. A scratch volume is always mounted at /tmp; ECS creates it
    root-owned 0755 unless the image declares `VOLUME ["/tmp"]` over a world-writable (1777) /tmp, as
    app/Dockerfile does, so a non-root image must do the same to write temp files. Default: true."""
    environment: Mapping[str, pulumi.Input[str]]
    """Plain, non-secret environment variables. Names that look like credentials are refused.
    Default: none."""
    secrets: Mapping[str, pulumi.Input[str]]
    """Environment variable name -> full ARN of a Secrets Manager secret (optionally `:<json-key>::`)
    or SSM parameter, injected by ECS at start. Default: none."""
    secret_kms_key_arns: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Customer-managed KMS keys that encrypt those secrets. Default: none (AWS-managed keys)."""
    health_check_path: pulumi.Input[str]
    """Path the default container health check requests. Default: "/api/health"."""
    health_check_command: pulumi.Input[Sequence[str]]
    """Container health check command (ECS form, e.g. ["CMD", "/bin/check"]). Default: none (curl
    `http://localhost:<container_port><health_check_path>`)."""
    health_check_grace_period_seconds: pulumi.Input[int]
    """Seconds the service ignores load balancer health checks after a task starts. Default: 60."""
    desired_count: pulumi.Input[int]
    """Tasks to run, 0 to 5000 (the starting point when autoscaling is on). Default: 2."""
    autoscaling: AutoscalingArgs
    """Target-tracking autoscaling on CPU. Default: none (off)."""
    enable_execute_command: bool
    """Allow ECS Exec into running tasks (needs `readonly_root_filesystem` false). Default: false."""
    task_role_managed_policy_arns: Sequence[pulumi.Input[str]]
    """Managed policies for the application's task role. Default: none (empty role)."""
    database_connect_arns: Sequence[pulumi.Input[str]]
    """`rds-db:connect` resources (`PrivateDatabase.iam_user_arn`) the application may sign IAM
    authentication tokens for: credentials that never go stale, unlike a password copied into the
    task at start. Default: none."""
    wait_for_steady_state: pulumi.Input[bool]
    """Make `pulumi up` wait until the service's deployment is healthy, so tasks that cannot start
    (image pull, secrets, health check) fail the update instead of only stopping the circuit breaker.
    Default: true."""
    container_insights: pulumi.Input[ContainerInsights]
    """Container Insights level of the cluster it creates. Default: "enabled"."""
    log_retention_days: pulumi.Input[int]
    """Days to keep container logs (a CloudWatch Logs retention period). Default: 30."""
    keep_images: pulumi.Input[int]
    """Images the ECR lifecycle policy keeps; older ones expire. Default: 30."""
    protect_stateful: bool
    """Protect the repository, log group and KMS key: `pulumi destroy` refuses to delete them (Pulumi
    `protect`), removing them from the program leaves them in AWS (retain on delete), and the log
    group has deletion protection. Unprotected repositories are force-deleted with their images.
    Default: true."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]]
    """Tags for every taggable resource. Default: none."""


def _environment_refusal(environment: Mapping[str, Any]) -> Refusal | None:
    for env_name, env_value in environment.items():
        if not _ENV_NAME.match(env_name):
            return Refusal("variable names are letters, digits and '_', not starting with a digit", at=env_name)
        if name_looks_secret(env_name):
            return Refusal(
                "this name looks like a credential; pass it in `secrets` (a Secrets Manager ARN) instead",
                at=env_name,
                shown="<value withheld>",
            )
        if isinstance(env_value, str) and value_embeds_password(env_value):
            return Refusal(
                "the value embeds a password; pass it in `secrets` instead",
                at=env_name,
                shown="<URL with password withheld>",
            )
    return None


def _check_environment(environment: Mapping[str, Any]) -> None:
    """Raise `ComponentArgumentError` for environment variables that would carry credentials."""
    found = SPEC.refusal("environment", dict(environment))
    if found is not None:
        raise ComponentArgumentError(COMPONENT, *found)


def _check_secrets(secrets: Mapping[str, Any]) -> Refusal | None:
    for secret_name, value_from in secrets.items():
        if not _ENV_NAME.match(secret_name):
            return Refusal("use an environment variable name such as DB_PASSWORD", at=secret_name)
        if known(value_from) and not _SECRET_SOURCE.match(str(value_from)):
            return Refusal(
                "use the full ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:"
                "<name>) or SSM parameter (not its value), so the execution role can be scoped to it",
                at=secret_name,
                shown="<value withheld>",
            )
    return None


def _check_user(user: object) -> str | None:
    if not isinstance(user, str) or not _USER.match(user):
        return "use a non-root user such as '1000:1000' (user, user:group, uid or uid:gid)"
    if user.split(":", 1)[0] in _ROOT_USERS:
        return "containers never run as root; use a non-root uid such as '1000:1000'"
    return None


def _check_health_command(command: object) -> str | None:
    if isinstance(command, Sequence) and command and command[0] in ("CMD", "CMD-SHELL"):
        return None
    return "start with 'CMD' or 'CMD-SHELL'"


def _image_and_size(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    if (values["image"] is None) == (values["docker_context"] is None):
        return ("image", values["image"], "give exactly one of `image` (a URI or digest) and `docker_context`")
    context, dockerfile = values["docker_context"], values["dockerfile"]
    if context is not None and not Path(dockerfile or Path(context) / "Dockerfile").is_file():
        return ("dockerfile", dockerfile, f"no Dockerfile in {context}: add one, or give `dockerfile`")
    cpu, memory = values["cpu"], values["memory"]
    if known(cpu, memory) and memory not in valid_memory_values(cpu):
        return ("memory", memory, f"with cpu {cpu} Fargate accepts {describe_memory_values(cpu)} MiB")
    if values["enable_execute_command"] and values["readonly_root_filesystem"] is True:
        return (
            "enable_execute_command",
            True,
            "ECS Exec's agent needs a writable root filesystem; set `readonly_root_filesystem` false as well",
        )
    return None


def _variables_once(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    taken = sorted(set(values["secrets"] or {}) & set(values["environment"] or {}))
    return ("secrets", taken, "each variable is set once, in `secrets` or `environment`") if taken else None


def _scaling_bounds(values: Mapping[str, Any]) -> tuple[str, Any, str] | None:
    scaling = values["autoscaling"]
    if scaling is None:
        return None
    low, high, desired = scaling.get("min_count"), scaling.get("max_count"), values["desired_count"]
    if known(low, high) and low > high:
        return ("autoscaling.min_count", low, f"use at most `max_count` ({high})")
    if known(low, high, desired) and not low <= desired <= high:
        return ("desired_count", desired, f"with autoscaling it must lie within min_count {low} and max_count {high}")
    return None


def _existing_directory(path: object) -> str | None:
    return None if isinstance(path, str) and Path(path).is_dir() else "use an existing directory"


AUTOSCALING_SPEC = ArgSpec(
    COMPONENT,
    AutoscalingArgs,
    {
        "min_count": Arg(minimum=1, maximum=5000),
        "max_count": Arg(minimum=1, maximum=5000),
        "cpu_target_percent": Arg(default=60, minimum=1, maximum=100),
    },
)
_ARN = r"arn:[a-z-]+:.+"
SPEC = ArgSpec(
    COMPONENT,
    SecureFargateServiceArgs,
    {
        "vpc_id": Arg(wired=True),
        "subnet_ids": Arg(wired=True),
        "alb_security_group_id": Arg(wired=True),
        "target_group_arn": Arg(wired=True),
        "endpoint_security_group_id": Arg(wired=True),
        "s3_prefix_list_id": Arg(wired=True),
        "database_security_group_id": Arg(wired=True),
        "database_port": Arg(default=5432, minimum=PORT_RANGE[0], maximum=PORT_RANGE[1], wired=True),
        "image": Arg(pattern=r"\S+"),
        "docker_context": Arg(check=_existing_directory),
        "repository_url": Arg(
            check=lambda url: (
                None
                if is_ecr_image(url)
                else ("use an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)")
            )
        ),
        "dockerfile": Arg(),
        "cluster_arn": Arg(pattern=_ARN),
        "execution_role_arn": Arg(pattern=_ARN),
        "task_role_arn": Arg(pattern=_ARN),
        "kms_key_arn": Arg(pattern=_ARN),
        "security_group_id": Arg(pattern=r"sg-[0-9a-f]+"),
        "family": Arg(pattern=r"[A-Za-z0-9_-]{1,255}"),
        "container_name": Arg(default="app", pattern=r"[A-Za-z0-9_-]{1,255}"),
        "container_port": Arg(default=8080, minimum=PORT_RANGE[0], maximum=PORT_RANGE[1]),
        "cpu": Arg(
            default=256,
            check=lambda cpu: (
                None
                if cpu in valid_cpu_values()
                else (f"Fargate offers {', '.join(map(str, valid_cpu_values()))} CPU units")
            ),
        ),
        "memory": Arg(default=512),
        "cpu_architecture": Arg(default=CpuArchitecture.X86_64.value),
        "user": Arg(default="1000:1000", check=_check_user),
        "readonly_root_filesystem": Arg(default=True),
        "environment": Arg(check=_environment_refusal),
        "secrets": Arg(check=_check_secrets),
        "secret_kms_key_arns": Arg(),
        "health_check_path": Arg(default="/api/health", check=http_path, wired=True),
        "health_check_command": Arg(check=_check_health_command),
        "health_check_grace_period_seconds": Arg(default=60, minimum=0, maximum=2147483647),
        "desired_count": Arg(default=2, minimum=0, maximum=5000),
        "autoscaling": Arg(),
        "enable_execute_command": Arg(default=False),
        "task_role_managed_policy_arns": Arg(),
        "database_connect_arns": Arg(wired=True),
        "wait_for_steady_state": Arg(default=True),
        "container_insights": Arg(default=ContainerInsights.ENABLED.value),
        "log_retention_days": Arg(default=30, check=log_retention),
        "keep_images": Arg(default=30, minimum=1, maximum=10000),
        "protect_stateful": Arg(default=True, wired=True),
        "tags": Arg(wired=True),
    },
    rules=[_image_and_size, _variables_once, _scaling_bounds],
    nested={"autoscaling": AUTOSCALING_SPEC},
)


def default_family(name: str, project: str, stack: str) -> str:
    """Unique per project and stack: two stacks in one account never share task definition revisions."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{project}-{stack}-{name}")[:FAMILY_LIMIT]


def _last_segment(arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """A role or cluster name from its ARN (`.../role/path/name`, `.../cluster/name`)."""
    return pulumi.Output.from_input(arn).apply(lambda value: str(value).rsplit("/", 1)[-1])


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


def _checked_environment_values(values: dict[str, Any]) -> dict[str, str]:
    """Values only known at deploy time get the password-in-URL check once they resolve."""
    for env_name, env_value in values.items():
        if value_embeds_password(env_value):
            raise ComponentArgumentError(
                COMPONENT, f"environment.{env_name}", "<URL with password withheld>", "the value embeds a password"
            )
    return values


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
    kms_key_arn: pulumi.Output[str]
    """KMS key of the repository and the logs."""

    def __init__(self, name: str, args: SecureFargateServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        # Every argument is checked before anything is registered, so a refusal leaves no partial component.
        require_auto_name_room(COMPONENT, name, AUTO_NAMED_CHILDREN)
        values = SPEC.resolve(name, args)
        scaling = AUTOSCALING_SPEC.resolve(name, values["autoscaling"]) if values["autoscaling"] else None

        super().__init__(f"secure-ecs:index:{COMPONENT}", name, None, opts)
        context = current_aws_context(self)
        self._create_key(name, values, context)
        image = self._create_repository_and_image(name, values, context)
        self._create_cluster_and_logs(name, values)
        rules = self._create_security_group(name, values)
        role_policies = self._create_roles(name, values, image, context)
        self._create_task_definition(name, values, image, context)
        self._create_service(name, values, [*rules, *role_policies], autoscaled=scaling is not None)
        self.scaling_target: aws.appautoscaling.Target | None = None
        self.scaling_policy: aws.appautoscaling.Policy | None = None
        if scaling is not None:
            self._autoscale(name, scaling, values["tags"])
        self._publish_outputs(image)

    def _create_key(self, name: str, values: Mapping[str, Any], context: AwsContext) -> None:
        # One key for this service's data at rest (images and logs); its policy lets CloudWatch Logs
        # use it only for log groups of this account and region.
        self.kms_key: aws.kms.Key | None = None
        if values["kms_key_arn"] is not None:
            self.key_arn = pulumi.Output.from_input(values["kms_key_arn"])
            return
        self.kms_key = customer_managed_key(
            f"{name}-key",
            f"{name}: ECR images and container logs",
            context,
            self,
            for_log_groups=True,
            protect=values["protect_stateful"],
            tags=values["tags"],
        )
        self.key_arn = self.kms_key.arn

    def _create_repository_and_image(
        self, name: str, values: Mapping[str, Any], context: AwsContext
    ) -> pulumi.Output[str]:
        """The repository (created unless given) and the image URI the container runs."""
        protect = values["protect_stateful"]
        self.repository: aws.ecr.Repository | None = None
        self.lifecycle_policy: aws.ecr.LifecyclePolicy | None = None
        if values["repository_url"] is None:
            self.repository = aws.ecr.Repository(
                f"{name}-repo",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                image_tag_mutability="IMMUTABLE",
                encryption_configurations=[
                    aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=self.key_arn)
                ],
                # A protected repository (the release history) is never deleted; an unprotected one goes
                # with its images, or `pulumi destroy` stops at RepositoryNotEmptyException.
                force_delete=not protect,
                tags=values["tags"],
                opts=pulumi.ResourceOptions(parent=self, protect=protect, retain_on_delete=protect),
            )
            self.lifecycle_policy = aws.ecr.LifecyclePolicy(
                f"{name}-repo-lifecycle",
                repository=self.repository.name,
                policy=pulumi.Output.from_input(values["keep_images"]).apply(_lifecycle_policy),
                opts=pulumi.ResourceOptions(parent=self.repository),
            )
            self.repository_url_output: pulumi.Output[str] = self.repository.repository_url
            self.repository_arn_output: pulumi.Output[str] = self.repository.arn
        else:
            self.repository_url_output = pulumi.Output.from_input(values["repository_url"])
            self.repository_arn_output = pulumi.Output.all(self.repository_url_output, context.partition).apply(
                lambda v: ecr_repository_arn(str(v[0]), str(v[1])) or ""
            )

        self.built_image: awsx.ecr.Image | None = None
        docker_context = values["docker_context"]
        if docker_context is None:
            return pulumi.Output.all(pulumi.Output.from_input(values["image"]), self.repository_url_output).apply(
                lambda v: resolve_image(str(v[0]), str(v[1]))
            )
        platform = "linux/arm64" if values["cpu_architecture"] is CpuArchitecture.ARM64 else "linux/amd64"
        self.built_image = awsx.ecr.Image(
            f"{name}-image",
            repository_url=self.repository_url_output,
            context=docker_context,
            dockerfile=values["dockerfile"],
            platform=platform,
            image_tag=content_tag(docker_context, values["dockerfile"], platform),
            opts=pulumi.ResourceOptions(parent=self.repository or self),
        )
        return self.built_image.image_uri

    def _create_cluster_and_logs(self, name: str, values: Mapping[str, Any]) -> None:
        self.cluster: aws.ecs.Cluster | None = None
        if values["cluster_arn"] is None:
            self.cluster = aws.ecs.Cluster(
                f"{name}-cluster",
                settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=values["container_insights"])],
                configuration=aws.ecs.ClusterConfigurationArgs(
                    execute_command_configuration=aws.ecs.ClusterConfigurationExecuteCommandConfigurationArgs(
                        kms_key_id=self.key_arn, logging="DEFAULT"
                    )
                )
                if values["enable_execute_command"]
                else None,
                tags=values["tags"],
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.log_group = encrypted_log_group(
            f"{name}-logs",
            kms_key_arn=self.key_arn,
            retention_in_days=values["log_retention_days"],
            parent=self,
            protect=values["protect_stateful"],
            tags=values["tags"],
        )

    def _create_security_group(self, name: str, values: Mapping[str, Any]) -> list[pulumi.Resource]:
        """The tasks' group (unless given) and every rule it takes part in; returns the rules."""
        self.security_group: aws.ec2.SecurityGroup | None = None
        if values["security_group_id"] is None:
            self.security_group = rule_free_security_group(
                f"{name}-tasks-sg",
                vpc_id=values["vpc_id"],
                description=(
                    f"{name} Fargate tasks: from the load balancer only; to endpoints, S3 and the database only"
                ),
                parent=self,
                tags=values["tags"],
            )
            self.tasks_group_id: pulumi.Output[str] = self.security_group.id
        else:
            self.tasks_group_id = pulumi.Output.from_input(values["security_group_id"])
        rule_parent: pulumi.Resource = self.security_group or self
        self.rule_pairs = self._wire_security_groups(name, values, rule_parent)
        self.s3_egress = aws.vpc.SecurityGroupEgressRule(
            f"{name}-to-s3",
            security_group_id=self.tasks_group_id,
            prefix_list_id=values["s3_prefix_list_id"],
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="Image layers from S3 through the gateway endpoint",
            opts=pulumi.ResourceOptions(parent=rule_parent),
        )
        rules: list[pulumi.Resource] = [self.s3_egress]
        for pair in self.rule_pairs:
            rules.extend([pair.egress, pair.ingress])
        return rules

    def _wire_security_groups(self, name: str, values: Mapping[str, Any], parent: pulumi.Resource) -> list[RulePair]:
        """Both sides of every flow the tasks take part in; nothing to or from 0.0.0.0/0."""
        pairs = [
            allow_tcp_between(
                f"{name}-alb-to-tasks",
                source_security_group_id=values["alb_security_group_id"],
                target_security_group_id=self.tasks_group_id,
                port=values["container_port"],
                description=f"Load balancer to {name} tasks on the container port",
                parent=parent,
            ),
            allow_tcp_between(
                f"{name}-tasks-to-endpoints",
                source_security_group_id=self.tasks_group_id,
                target_security_group_id=values["endpoint_security_group_id"],
                port=HTTPS_PORT,
                description=f"{name} tasks to the interface VPC endpoints",
                parent=parent,
            ),
        ]
        if values["database_security_group_id"] is not None:
            pairs.append(
                allow_tcp_between(
                    f"{name}-tasks-to-database",
                    source_security_group_id=self.tasks_group_id,
                    target_security_group_id=values["database_security_group_id"],
                    port=values["database_port"],
                    description=f"{name} tasks to the database",
                    parent=parent,
                )
            )
        return pairs

    def _create_roles(
        self, name: str, values: Mapping[str, Any], image: pulumi.Output[str], context: AwsContext
    ) -> list[pulumi.Resource]:
        """Execution and task roles (unless given) and their policies; returns the policies."""
        tags = values["tags"]
        trust_policy = pulumi.Output.all(context.account_id, context.region, context.partition).apply(
            lambda v: iam_documents.ecs_tasks_trust_policy(v[0], v[1], v[2])
        )
        policies: list[pulumi.Resource] = []
        self.execution_role: aws.iam.Role | None = None
        self.execution_role_policy: aws.iam.RolePolicy | None = None
        if values["execution_role_arn"] is None:
            self.execution_role = aws.iam.Role(
                f"{name}-execution-role",
                description=f"ECS agent for {name}: pull its image, write its logs, read its secrets",
                assume_role_policy=trust_policy,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.execution_role_policy = aws.iam.RolePolicy(
                f"{name}-execution-policy",
                role=self.execution_role.id,
                policy=self._execution_policy(values, image, context),
                opts=pulumi.ResourceOptions(parent=self.execution_role),
            )
            policies.append(self.execution_role_policy)
            self.execution_role_arn_output: pulumi.Output[str] = self.execution_role.arn
        else:
            self.execution_role_arn_output = pulumi.Output.from_input(values["execution_role_arn"])

        # The application's own role starts empty: it gets permissions only by explicit policy ARNs.
        self.task_role: aws.iam.Role | None = None
        if values["task_role_arn"] is None:
            self.task_role = aws.iam.Role(
                f"{name}-task-role",
                description=f"Application role of {name}",
                assume_role_policy=trust_policy,
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.task_role_arn_output: pulumi.Output[str] = self.task_role.arn
            task_role_name: pulumi.Output[str] = self.task_role.name
        else:
            self.task_role_arn_output = pulumi.Output.from_input(values["task_role_arn"])
            task_role_name = _last_segment(values["task_role_arn"])
        owned = pulumi.ResourceOptions(parent=self.task_role or self)
        self.task_role_attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-task-policy-{index}", role=task_role_name, policy_arn=policy_arn, opts=owned
            )
            for index, policy_arn in enumerate(values["task_role_managed_policy_arns"] or [])
        ]
        policies += self.task_role_attachments
        self.database_connect_policy: aws.iam.RolePolicy | None = None
        connect_arns = list(values["database_connect_arns"] or [])
        if connect_arns:
            self.database_connect_policy = aws.iam.RolePolicy(
                f"{name}-database-connect",
                role=task_role_name,
                policy=pulumi.Output.all(*connect_arns).apply(
                    lambda arns: iam_documents.database_connect_policy([str(a) for a in arns])
                ),
                opts=owned,
            )
            policies.append(self.database_connect_policy)
        self.exec_policy: aws.iam.RolePolicy | None = None
        if values["enable_execute_command"]:
            self.exec_policy = aws.iam.RolePolicy(
                f"{name}-exec-policy",
                role=task_role_name,
                policy=pulumi.Output.all(self.key_arn, self.log_group.arn).apply(
                    lambda v: iam_documents.ecs_exec_policy(v[0], v[1])
                ),
                opts=owned,
            )
            policies.append(self.exec_policy)
        return policies

    def _execution_policy(
        self, values: Mapping[str, Any], image: pulumi.Output[str], context: AwsContext
    ) -> pulumi.Output[str]:
        secrets: Mapping[str, Any] = values["secrets"] or {}
        return pulumi.Output.all(
            repository_arn=self.repository_arn_output,
            log_group_arn=self.log_group.arn,
            value_froms=pulumi.Output.all(*[secrets[k] for k in sorted(secrets)]),
            key_arns=pulumi.Output.from_input(values["secret_kms_key_arns"] or []),
            region=context.region,
            partition=context.partition,
            image=image,
            dns_suffix=context.dns_suffix,
        ).apply(
            lambda v: iam_documents.execution_role_policy(
                # An image from another ECR repository must be pullable too; its URI names it.
                repository_arns=[*filter(None, [v["repository_arn"], ecr_repository_arn(v["image"], v["partition"])])],
                log_group_arn=v["log_group_arn"],
                secret_value_froms=v["value_froms"],
                secret_kms_key_arns=list(v["key_arns"]),
                region=v["region"],
                dns_suffix=v["dns_suffix"],
            )
        )

    def _create_task_definition(
        self, name: str, values: Mapping[str, Any], image: pulumi.Output[str], context: AwsContext
    ) -> None:
        secrets: Mapping[str, Any] = values["secrets"] or {}
        names = sorted(secrets)
        health_command = values["health_check_command"] or pulumi.Output.all(
            values["container_port"], values["health_check_path"]
        ).apply(lambda v: list(default_health_check_command(int(v[0]), str(v[1]))))
        container_definitions = pulumi.Output.all(
            name=values["container_name"],
            image=image,
            port=values["container_port"],
            user=values["user"],
            log_group=self.log_group.name,
            region=context.region,
            health=pulumi.Output.from_input(health_command),
            environment=pulumi.Output.from_input(values["environment"] or {}).apply(_checked_environment_values),
            value_froms=pulumi.Output.all(*[secrets[k] for k in names]),
            readonly=values["readonly_root_filesystem"],
        ).apply(
            lambda v: container_definitions_json(
                ContainerSpec(
                    name=v["name"],
                    image=v["image"],
                    port=int(v["port"]),
                    user=v["user"],
                    log_group_name=v["log_group"],
                    region=v["region"],
                    health_check=HealthCheck(command=tuple(v["health"])),
                    environment=v["environment"],
                    secrets=list(zip(names, v["value_froms"], strict=True)),
                    readonly_root_filesystem=bool(v["readonly"]),
                )
            )
        )
        family = values["family"] or default_family(name, pulumi.get_project(), pulumi.get_stack())
        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=family,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=pulumi.Output.from_input(values["cpu"]).apply(str),
            memory=pulumi.Output.from_input(values["memory"]).apply(str),
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=values["cpu_architecture"].value
            ),
            execution_role_arn=self.execution_role_arn_output,
            task_role_arn=self.task_role_arn_output,
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=SCRATCH_VOLUME_NAME)],
            container_definitions=container_definitions,
            tags=values["tags"],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _create_service(
        self, name: str, values: Mapping[str, Any], prerequisites: Sequence[pulumi.Resource], *, autoscaled: bool
    ) -> None:
        self.cluster_arn_output: pulumi.Output[str] = (
            self.cluster.arn if self.cluster is not None else pulumi.Output.from_input(values["cluster_arn"])
        )
        self.service = aws.ecs.Service(
            f"{name}-service",
            cluster=self.cluster_arn_output,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=values["desired_count"],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=values["subnet_ids"],
                security_groups=[self.tasks_group_id],
                assign_public_ip=False,
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=values["target_group_arn"],
                    container_name=values["container_name"],
                    container_port=values["container_port"],
                )
            ],
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            # Without this the provider returns as soon as ECS accepts the deployment: a circuit breaker
            # that stops launching tasks would leave `pulumi up` reporting success.
            wait_for_steady_state=values["wait_for_steady_state"],
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            health_check_grace_period_seconds=values["health_check_grace_period_seconds"],
            enable_execute_command=values["enable_execute_command"],
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            tags=values["tags"],
            opts=pulumi.ResourceOptions(
                parent=self,
                # Tasks start only once they can reach the endpoints and be reached by the load balancer,
                # and the roles' permissions must outlive the service on destroy (else it hangs DRAINING).
                depends_on=list(prerequisites),
                # With autoscaling on, the scaler owns the task count; a later `pulumi up` must not reset it.
                ignore_changes=["desiredCount"] if autoscaled else None,
            ),
        )

    def _autoscale(self, name: str, scaling: Mapping[str, Any], tags: pulumi.Input[Mapping[str, str]] | None) -> None:
        cluster_name = self.cluster.name if self.cluster is not None else _last_segment(self.cluster_arn_output)
        resource_id = pulumi.Output.concat("service/", cluster_name, "/", self.service.name)
        self.scaling_target = aws.appautoscaling.Target(
            f"{name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=resource_id,
            min_capacity=scaling["min_count"],
            max_capacity=scaling["max_count"],
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
                target_value=pulumi.Output.from_input(scaling["cpu_target_percent"]).apply(float),
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
                scale_in_cooldown=300,
                scale_out_cooldown=60,
            ),
            opts=pulumi.ResourceOptions(parent=self.scaling_target),
        )

    def _publish_outputs(self, image: pulumi.Output[str]) -> None:
        self.cluster_name = self.cluster.name if self.cluster is not None else _last_segment(self.cluster_arn_output)
        self.cluster_arn = self.cluster_arn_output
        self.service_name = self.service.name
        self.service_arn = self.service.id
        self.task_definition_arn = self.task_definition.arn
        self.repository_url = self.repository_url_output
        self.repository_arn = self.repository_arn_output
        self.image_uri = image
        self.log_group_name = self.log_group.name
        self.security_group_id = self.tasks_group_id
        self.execution_role_arn = self.execution_role_arn_output
        self.task_role_arn = self.task_role_arn_output
        self.kms_key_arn = self.key_arn
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
                "kms_key_arn": self.kms_key_arn,
            }
        )


__all__ = [
    "AutoscalingArgs",
    "ContainerInsights",
    "CpuArchitecture",
    "SecureFargateService",
    "SecureFargateServiceArgs",
]
