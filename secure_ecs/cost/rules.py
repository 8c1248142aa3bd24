"""Pricing rules per resource type for everything that does not depend on the egress design.

Each rule turns one captured resource into line items (or a reason it cannot be priced). Interface
and gateway endpoints, NAT gateways (and their EIPs) and task public IPs are priced by `egress.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from secure_ecs.cost.facts import EIP, NAT_GATEWAY, SERVICE, TASK_DEFINITION, VPC_ENDPOINT, FargateService
from secure_ecs.cost.model import LineItem, line
from secure_ecs.cost.prices import PriceTable
from secure_ecs.cost.usage import UsageAssumptions
from secure_ecs.cost.values import flag, items, mapping, number, strings, text
from secure_ecs.offline.graph import CapturedResource, ResourceGraph

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
_DAYS_PER_MONTH = 365 / 12
_KB_PER_GB = 1024 * 1024
# RDS gp3 (PostgreSQL) includes 3,000 IOPS and 125 MiB/s below 400 GiB, 12,000 IOPS and 500 MiB/s from 400 GiB.
_GP3_LARGE_GB = 400
_GP3_BASELINE = {False: (3000.0, 125.0), True: (12000.0, 500.0)}

# Resources that carry no charge of their own; the reason says where any related cost is counted.
NO_CHARGE: dict[str, str] = {
    "aws:ec2/vpc:Vpc": "no charge",
    "aws:ec2/subnet:Subnet": "no charge",
    "aws:ec2/routeTable:RouteTable": "no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
    "aws:ec2/route:Route": "no charge",
    "aws:ec2/internetGateway:InternetGateway": "no charge (transfer is priced where it happens)",
    "aws:ec2/securityGroup:SecurityGroup": "no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
    "aws:ec2/networkAcl:NetworkAcl": "no charge",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "no charge",
    "aws:iam/role:Role": "no charge (IAM)",
    "aws:iam/rolePolicy:RolePolicy": "no charge (IAM)",
    "aws:iam/policy:Policy": "no charge (IAM)",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "no charge (IAM)",
    "aws:lb/listener:Listener": "no charge (priced through the load balancer's LCUs)",
    "aws:lb/listenerRule:ListenerRule": "no charge (priced through the load balancer's LCUs)",
    "aws:lb/targetGroup:TargetGroup": "no charge",
    "aws:rds/parameterGroup:ParameterGroup": "no charge",
    "aws:rds/subnetGroup:SubnetGroup": "no charge",
    "aws:s3/bucketPolicy:BucketPolicy": "no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge",
    "aws:s3/bucketVersioning:BucketVersioning": "no charge",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "no charge",
    WAF_LOGGING: "no charge (log volume priced on the destination log group)",
    FLOW_LOG: "no charge of its own (log volume priced on the destination log group)",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "no charge",
    "aws:appautoscaling/target:Target": "no charge (the task floor is priced on the service)",
    "aws:appautoscaling/policy:Policy": "no charge (its CloudWatch alarms are managed by AWS)",
    "aws:kms/alias:Alias": "no charge",
    "awsx:ecr:Image": "no charge (build and push; storage priced on the repository)",
    TASK_DEFINITION: "no charge (its tasks are priced on the service)",
}

# Priced by egress.py (they differ between the designs of the comparison).
EGRESS_TYPES = frozenset({VPC_ENDPOINT, NAT_GATEWAY})


@dataclass(frozen=True)
class RuleContext:
    graph: ResourceGraph
    prices: PriceTable
    usage: UsageAssumptions
    services: dict[str, FargateService]
    """Fargate services that could be priced, by URN."""
    log_volumes: dict[str, tuple[float, str, bool]]
    """Log group URN -> (GB ingested per month, why, vended by an AWS service)."""
    nat_eips: frozenset[str]


RuleResult = tuple[list[LineItem], str | None]
"""Line items, and a reason when (part of) the resource could not be priced."""


def log_volumes(
    graph: ResourceGraph, services: dict[str, FargateService], usage: UsageAssumptions
) -> dict[str, tuple[float, str, bool]]:
    """Monthly ingestion per log group, from what writes to it (found through dependencies)."""
    groups = {g.urn: g for g in graph.of_type(LOG_GROUP)}
    volumes: dict[str, tuple[float, str, bool]] = {}
    for flow_log in graph.of_type(FLOW_LOG):
        for urn in items(flow_log.dependencies):
            if urn in groups:
                volumes[urn] = (usage.flow_log_gb_per_month, "VPC flow logs (assumed volume)", True)
    for logging in graph.of_type(WAF_LOGGING):
        gigabytes = usage.requests_per_month / 1e6 * usage.waf_log_gb_per_million_requests
        for urn in items(logging.dependencies):
            if urn in groups:
                volumes[urn] = (gigabytes, f"WAF logs for {usage.requests_per_month:g} requests", True)
    tasks_by_definition: dict[str, float] = {}
    for service in services.values():
        tasks_by_definition[service.task_definition_urn] = (
            tasks_by_definition.get(service.task_definition_urn, 0.0) + service.tasks
        )
    for definition in graph.of_type(TASK_DEFINITION):
        tasks = tasks_by_definition.get(definition.urn, 0.0)
        for urn in items(definition.dependencies):
            if urn in groups and urn not in volumes:
                gigabytes = tasks * usage.container_log_gb_per_task
                volumes[urn] = (gigabytes, f"container logs of {tasks:g} tasks", False)
    for urn, group in groups.items():
        if urn in volumes:
            continue
        if (text(group.inputs.get("name")) or "").startswith("/aws/rds/"):
            volumes[urn] = (usage.rds_log_gb_per_group, "exported RDS logs (assumed volume)", True)
        else:
            volumes[urn] = (usage.other_log_gb_per_group, "assumed volume", False)
    return volumes


def _fargate(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    service = ctx.services.get(resource.urn)
    if service is None:  # facts.fargate_services already recorded why
        return [], None
    prices, hours = ctx.prices, ctx.usage.hours_per_month
    arch = "ARM64" if service.arm64 else "X86_64"
    vcpu_price = prices.fargate_arm_vcpu_hour if service.arm64 else prices.fargate_x86_vcpu_hour
    gb_price = prices.fargate_arm_gb_hour if service.arm64 else prices.fargate_x86_gb_hour
    task_hours = service.tasks * hours
    return [
        line(
            resource.urn,
            resource.type,
            f"Fargate {arch} vCPU",
            quantity=task_hours * service.vcpu,
            unit="vCPU-hour",
            unit_price=vcpu_price,
            driver=f"{service.tasks_driver} x {service.vcpu:g} vCPU x {hours:g} h",
        ),
        line(
            resource.urn,
            resource.type,
            f"Fargate {arch} memory",
            quantity=task_hours * service.memory_gb,
            unit="GB-hour",
            unit_price=gb_price,
            driver=f"{service.tasks_driver} x {service.memory_gb:g} GB x {hours:g} h",
        ),
    ], None


def alb_lcus(usage: UsageAssumptions) -> tuple[float, str]:
    """Average LCUs: the largest of the new-connection and processed-bytes dimensions."""
    seconds = usage.hours_per_month * 3600
    new_connections_per_second = usage.requests_per_month / usage.requests_per_connection / seconds
    # Processed bytes count both directions: requests in and responses out.
    gb_per_hour = usage.requests_per_month * usage.processed_kb_per_request / _KB_PER_GB / usage.hours_per_month
    by_connections = new_connections_per_second / 25  # 25 new connections/s per LCU
    by_bytes = gb_per_hour / 1.0  # 1 GB/h processed per LCU (EC2/IP targets)
    if by_bytes >= by_connections:
        return by_bytes, f"{gb_per_hour:.3g} GB/h processed"
    return by_connections, f"{new_connections_per_second:.3g} new connections/s"


def _load_balancer(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    kind = text(resource.inputs.get("loadBalancerType")) or "application"
    if kind != "application":
        return [], f"{kind} load balancers are not in the price table"
    prices, usage, hours = ctx.prices, ctx.usage, ctx.usage.hours_per_month
    lcus, dimension = alb_lcus(usage)
    found = [
        line(
            resource.urn,
            resource.type,
            "ALB hours",
            quantity=hours,
            unit="hour",
            unit_price=prices.alb_hour,
            driver=f"{hours:g} h",
        ),
        line(
            resource.urn,
            resource.type,
            "ALB LCU-hours",
            quantity=lcus * hours,
            unit="LCU-hour",
            unit_price=prices.alb_lcu_hour,
            driver=f"{lcus:.3g} LCU ({dimension}) x {hours:g} h",
        ),
    ]
    # Only responses leave AWS; inbound request bytes carry no data transfer charge.
    egress_gb = usage.requests_per_month * usage.response_kb / _KB_PER_GB
    found.append(
        line(
            resource.urn,
            resource.type,
            "data transfer out to the internet (responses)",
            quantity=egress_gb,
            unit="GB",
            unit_price=prices.internet_egress_gb,
            driver=f"{usage.requests_per_month:g} responses x {usage.response_kb:g} KB (requests in are free)",
        )
    )
    if flag(resource.inputs.get("internal")) is not True:
        # An internet-facing ALB holds at least one public IPv4 per enabled AZ.
        zones = len(strings(resource.inputs.get("subnets"))) or len(items(resource.inputs.get("subnetMappings")))
        if zones == 0:
            return found, "internet-facing but its subnets are unknown: public IPv4 addresses not priced"
        found.append(
            line(
                resource.urn,
                resource.type,
                "ALB public IPv4 addresses (one per AZ node)",
                quantity=zones * hours,
                unit="IPv4-hour",
                unit_price=prices.public_ipv4_hour,
                driver=f"{zones} AZ x {hours:g} h (more if the ALB scales out)",
            )
        )
    return found, None


def _rds(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    engine = text(resource.inputs.get("engine")) or ""
    if engine != "postgres":
        return [], f"engine {engine or 'unknown'!r}: only RDS for PostgreSQL prices are in the table"
    hours = ctx.usage.hours_per_month
    multi_az = flag(resource.inputs.get("multiAz")) is True
    copies = 2 if multi_az else 1
    deployment = "Multi-AZ (primary + standby)" if multi_az else "Single-AZ"
    found: list[LineItem] = []
    problems: list[str] = []
    instance_class = text(resource.inputs.get("instanceClass")) or "unknown"
    hourly = ctx.prices.rds_postgres_instance_hour.get(instance_class)
    if hourly is None:
        problems.append(f"instance class {instance_class!r} is not in the price table")
    else:
        found.append(
            line(
                resource.urn,
                resource.type,
                f"RDS PostgreSQL {instance_class} {deployment}",
                quantity=copies * hours,
                unit="instance-hour",
                unit_price=hourly,
                driver=f"{copies} x {hours:g} h",
            )
        )
    storage = number(resource.inputs.get("allocatedStorage"))
    storage_type = text(resource.inputs.get("storageType")) or ("io1" if resource.inputs.get("iops") else "gp2")
    per_gb = {
        "gp3": ctx.prices.rds_gp3_gb_month,
        "gp2": ctx.prices.rds_gp2_gb_month,
        "io1": ctx.prices.rds_io1_gb_month,
    }.get(storage_type)
    if storage is None or per_gb is None:
        problems.append(f"storage ({storage_type}, {storage if storage is not None else 'unknown'} GB) not priced")
    else:
        found.append(
            line(
                resource.urn,
                resource.type,
                f"RDS {storage_type} storage {deployment}",
                quantity=storage * copies,
                unit="GB-month",
                unit_price=per_gb,
                driver=f"{storage:g} GB x {copies}",
            )
        )
    performance: RuleResult = ([], None)
    if storage_type == "io1":
        performance = _io1_iops(resource, ctx, copies, deployment)
    elif storage_type == "gp3":
        performance = [], _gp3_above_baseline(resource, storage)
    found.extend(performance[0])
    if performance[1]:
        problems.append(performance[1])
    if flag(resource.inputs.get("manageMasterUserPassword")) is True:
        found.append(
            line(
                resource.urn,
                "aws:secretsmanager/secret:Secret",
                "RDS-managed master user secret",
                quantity=1,
                unit="secret-month",
                unit_price=ctx.prices.secret_month,
                driver="created by RDS, not declared in the program",
            )
        )
    return found, "; ".join(problems) or None


def _io1_iops(resource: CapturedResource, ctx: RuleContext, copies: int, deployment: str) -> RuleResult:
    """io1 bills every provisioned IOPS per month, used or not (twice for Multi-AZ)."""
    iops = number(resource.inputs.get("iops"))
    if iops is None:
        return [], "io1 provisioned IOPS unknown: the per-IOPS-month charge is not priced"
    return [
        line(
            resource.urn,
            resource.type,
            f"RDS io1 provisioned IOPS {deployment}",
            quantity=iops * copies,
            unit="IOPS-month",
            unit_price=ctx.prices.rds_io1_iops_month,
            driver=f"{iops:g} IOPS x {copies}",
        )
    ], None


def _gp3_above_baseline(resource: CapturedResource, storage: float | None) -> str | None:
    """Why gp3 performance above the included baseline is not priced, or None when there is none."""
    iops = number(resource.inputs.get("iops"))
    throughput = number(resource.inputs.get("storageThroughput"))
    if iops is None and throughput is None:
        return None
    if storage is None:
        return "gp3 IOPS/throughput declared but the storage size (which sets the included baseline) is unknown"
    base_iops, base_throughput = _GP3_BASELINE[storage >= _GP3_LARGE_GB]
    above = [
        f"{amount - base:g} {unit} above the {base:g} included"
        for amount, base, unit in ((iops, base_iops, "IOPS"), (throughput, base_throughput, "MiB/s"))
        if amount is not None and amount > base
    ]
    if not above:
        return None
    return (
        f"gp3 performance above the baseline for {storage:g} GB ({', '.join(above)}) is billed per IOPS-month and "
        "per MiB/s-month; those prices are not in the table"
    )


def _log_group(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    gigabytes, why, vended = ctx.log_volumes.get(resource.urn, (ctx.usage.other_log_gb_per_group, "assumed", False))
    retention_days = number(resource.inputs.get("retentionInDays"))
    horizon = ctx.usage.log_storage_horizon_months
    months = min(retention_days / _DAYS_PER_MONTH, horizon) if retention_days else horizon
    ingest_price = ctx.prices.cloudwatch_vended_logs_ingest_gb if vended else ctx.prices.cloudwatch_logs_ingest_gb
    kept = f"{retention_days:g}-day retention" if retention_days else "never expires"
    return [
        line(
            resource.urn,
            resource.type,
            "log ingestion" + (" (vended)" if vended else ""),
            quantity=gigabytes,
            unit="GB",
            unit_price=ingest_price,
            driver=why,
        ),
        line(
            resource.urn,
            resource.type,
            "log storage",
            quantity=gigabytes * months,
            unit="GB-month",
            unit_price=ctx.prices.cloudwatch_logs_storage_gb_month,
            driver=f"{gigabytes:g} GB/month x {months:.3g} months ({kept}); uncompressed, an upper bound",
        ),
    ], None


def _flat(what: str, unit: str, price: Callable[[PriceTable], float], driver: str = "") -> Callable[..., RuleResult]:
    def rule(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
        return [
            line(resource.urn, resource.type, what, quantity=1, unit=unit, unit_price=price(ctx.prices), driver=driver)
        ], None

    return rule


def _web_acl(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    rules = items(resource.inputs.get("rules"))
    millions = ctx.usage.requests_per_month / 1e6
    return [
        line(
            resource.urn,
            resource.type,
            "WAF web ACL",
            quantity=1,
            unit="web-ACL-month",
            unit_price=ctx.prices.waf_web_acl_month,
        ),
        line(
            resource.urn,
            resource.type,
            "WAF rules (a managed rule group counts as one)",
            quantity=len(rules),
            unit="rule-month",
            unit_price=ctx.prices.waf_rule_month,
            driver=f"{len(rules)} rules in the web ACL",
        ),
        line(
            resource.urn,
            resource.type,
            "WAF requests",
            quantity=millions,
            unit="million requests",
            unit_price=ctx.prices.waf_million_requests,
            driver=f"{ctx.usage.requests_per_month:g} requests",
        ),
    ], None


def _ecr(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    stored = ctx.usage.image_size_gb * ctx.usage.ecr_images_retained
    return [
        line(
            resource.urn,
            resource.type,
            "ECR image storage",
            quantity=stored,
            unit="GB-month",
            unit_price=ctx.prices.ecr_storage_gb_month,
            driver=f"{ctx.usage.ecr_images_retained:g} images x {ctx.usage.image_size_gb:g} GB (shared layers: less)",
        )
    ], None


def _eip(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    if resource.urn in ctx.nat_eips:  # priced with its NAT gateway in the egress path
        return [], None
    hours = ctx.usage.hours_per_month
    return [
        line(
            resource.urn,
            resource.type,
            "Elastic IP (public IPv4, in use or idle)",
            quantity=hours,
            unit="IPv4-hour",
            unit_price=ctx.prices.public_ipv4_hour,
            driver=f"{hours:g} h",
        )
    ], None


def _cluster(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    settings = items(resource.inputs.get("settings"))
    insights = any(
        text(mapping(s).get("name")) == "containerInsights" and text(mapping(s).get("value")) in ("enabled", "enhanced")
        for s in settings
    )
    if insights:
        return [], "Container Insights metrics and performance logs are billed by CloudWatch usage; not modelled"
    return [], None


def _bucket(resource: CapturedResource, ctx: RuleContext) -> RuleResult:
    return [], "S3 storage and requests depend on what is written (e.g. ALB access logs); not modelled"


RULES: dict[str, Callable[[CapturedResource, RuleContext], RuleResult]] = {
    SERVICE: _fargate,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:rds/instance:Instance": _rds,
    LOG_GROUP: _log_group,
    "aws:kms/key:Key": _flat(
        "KMS customer managed key",
        "key-month",
        lambda p: p.kms_key_month,
        "rotated key material adds $1/month for each of the first two rotations",
    ),
    "aws:secretsmanager/secret:Secret": _flat("Secrets Manager secret", "secret-month", lambda p: p.secret_month),
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:ecr/repository:Repository": _ecr,
    EIP: _eip,
    "aws:ecs/cluster:Cluster": _cluster,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
}
