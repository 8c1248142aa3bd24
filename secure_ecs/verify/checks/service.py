"""Checks 2 and 3: the ECS service runs on Fargate in the private subnets with no public IP, and
no task ENI (or any other ENI in the private and data subnets) carries one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.checks.lookups import paginate
from secure_ecs.verify.model import CheckResult, Verdict

SERVICE_ID = "service"
SERVICE_TITLE = "ECS service: Fargate, private subnets, no public IP, circuit breaker"
SERVICE_REMEDIATION = ("Deploy the service with networkConfiguration.awsvpcConfiguration.assignPublicIp DISABLED "
                       "and only the stack's private subnets, on FARGATE, with deploymentConfiguration."
                       "deploymentCircuitBreaker {enable: true, rollback: true} (SecureFargateService does all "
                       "of this; run `pulumi up` to undo drift). If no task runs, read the service events.")
ENI_ID = "task-enis"
ENI_TITLE = "Task ENIs (and every ENI in private/data subnets) have no public IP"
ENI_REMEDIATION = ("Disassociate the Elastic IP from the listed ENI (`aws ec2 disassociate-address`) and find "
                   "who attached it; make sure the service has assignPublicIp DISABLED and the subnets have "
                   "MapPublicIpOnLaunch false, then redeploy the tasks (`aws ecs update-service "
                   "--force-new-deployment`).")
_FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})
_DESCRIBE_TASKS_LIMIT = 100


def _describe_service(check: CheckInput) -> dict[str, Any] | None:
    answer = check.aws.client("ecs").describe_services(cluster=check.outputs.cluster_name,
                                                       services=[check.outputs.service_name])
    services: list[dict[str, Any]] = answer.get("services", [])
    return services[0] if services else None


def _check_launch(verdict: Verdict, service: Mapping[str, Any]) -> None:
    launch_type = service.get("launchType")
    providers = [s.get("capacityProvider") for s in service.get("capacityProviderStrategy") or []]
    if launch_type:
        verdict.check(launch_type == "FARGATE", "launch type FARGATE", f"launch type is {launch_type}, not FARGATE")
    elif providers:
        verdict.check(all(p in _FARGATE_PROVIDERS for p in providers), f"capacity providers {providers}",
                      f"capacity providers {providers} are not all FARGATE/FARGATE_SPOT")
    else:
        verdict.fail("neither a launch type nor a capacity provider strategy is set")


def _check_network(verdict: Verdict, service: Mapping[str, Any], private_subnets: Iterable[str]) -> None:
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    if not network:
        verdict.fail("the service has no awsvpc network configuration")
        return
    # The ECS API's default for assignPublicIp is DISABLED, so an absent field is not a public IP.
    assign = network.get("assignPublicIp", "DISABLED")
    verdict.check(assign == "DISABLED", "assignPublicIp DISABLED", f"assignPublicIp is {assign}")
    subnets = set(network.get("subnets", []))
    outside = sorted(subnets - set(private_subnets))
    verdict.check(not outside, f"runs in private subnets {sorted(subnets)}",
                  f"runs in subnets outside privateSubnetIds: {outside}")


def _check_deployment(verdict: Verdict, service: Mapping[str, Any]) -> None:
    breaker = (service.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    if not breaker.get("enable"):
        verdict.fail("deployment circuit breaker is off (a broken image keeps being redeployed)")
    elif not breaker.get("rollback"):
        verdict.warn("deployment circuit breaker is on but does not roll back")
    else:
        verdict.ok("deployment circuit breaker on, with rollback")
    running, desired = int(service.get("runningCount", 0)), int(service.get("desiredCount", 0))
    if running < 1:
        verdict.warn(f"no task is running (desired {desired})")
    else:
        verdict.ok(f"{running} of {desired} tasks running")


def check_service(check: CheckInput) -> CheckResult:
    verdict = Verdict(SERVICE_ID, SERVICE_TITLE, SERVICE_REMEDIATION)
    name = f"{check.outputs.cluster_name}/{check.outputs.service_name}"
    service = _describe_service(check)
    if service is None or service.get("status") != "ACTIVE":
        status = "not found" if service is None else f"in status {service.get('status')}"
        verdict.fail(f"service {name} is {status}")
        return verdict.result()
    verdict.ok(f"service {name} is ACTIVE")
    _check_launch(verdict, service)
    _check_network(verdict, service, check.outputs.private_subnet_ids)
    _check_deployment(verdict, service)
    return verdict.result()


def task_eni_ids(described_tasks: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ENI ids in the `attachments` of ECS describe_tasks results (awsvpc tasks have one each)."""
    found = []
    for task in described_tasks:
        for attachment in task.get("attachments", []):
            if attachment.get("type") != "ElasticNetworkInterface":
                continue
            for detail in attachment.get("details", []):
                if detail.get("name") == "networkInterfaceId" and detail.get("value"):
                    found.append(str(detail["value"]))
    return found


def _running_task_enis(check: CheckInput) -> list[str]:
    ecs = check.aws.client("ecs")
    arns = list(paginate(ecs, "list_tasks", "taskArns", cluster=check.outputs.cluster_name,
                         serviceName=check.outputs.service_name, desiredStatus="RUNNING"))
    described: list[dict[str, Any]] = []
    for start in range(0, len(arns), _DESCRIBE_TASKS_LIMIT):
        chunk = arns[start:start + _DESCRIBE_TASKS_LIMIT]
        described += ecs.describe_tasks(cluster=check.outputs.cluster_name, tasks=chunk).get("tasks", [])
    return task_eni_ids(described)


def _enis(check: CheckInput, **arguments: Any) -> list[dict[str, Any]]:
    return list(paginate(check.aws.client("ec2"), "describe_network_interfaces", "NetworkInterfaces", **arguments))


def check_task_enis(check: CheckInput) -> CheckResult:
    verdict = Verdict(ENI_ID, ENI_TITLE, ENI_REMEDIATION)
    outputs = check.outputs
    task_enis = _running_task_enis(check)
    # Tasks come and go, so ENIs are also swept by place (private and data subnets) and by the task
    # security group: a public IP on any of them is exposure, whichever task or tool made it.
    by_id: dict[str, dict[str, Any]] = {}
    if task_enis:
        found = _enis(check, Filters=[{"Name": "network-interface-id", "Values": task_enis}])
        by_id.update({eni["NetworkInterfaceId"]: eni for eni in found})
        verdict.ok(f"ECS lists {len(task_enis)} running task ENI(s); {len(found)} still exist")
    else:
        verdict.ok("ECS lists no running task ENIs; ENIs were checked by subnet and security group only")
    subnets = [*outputs.private_subnet_ids, *outputs.data_subnet_ids]
    for eni in _enis(check, Filters=[{"Name": "subnet-id", "Values": subnets}]):
        by_id[eni["NetworkInterfaceId"]] = eni
    for eni in _enis(check, Filters=[{"Name": "group-id", "Values": [outputs.task_security_group_id]}]):
        by_id[eni["NetworkInterfaceId"]] = eni
    exposed = 0
    for eni_id, eni in sorted(by_id.items()):
        public_ip = (eni.get("Association") or {}).get("PublicIp")
        if public_ip:
            exposed += 1
            role = "task ENI" if eni_id in task_enis else "ENI"
            verdict.fail(f"{role} {eni_id} in {eni.get('SubnetId')} has public IP {public_ip} "
                         f"({eni.get('Description') or 'no description'})")
    if not exposed:
        verdict.ok(f"{len(by_id)} ENI(s) in the private/data subnets or the task security group: no public IP")
    return verdict.result()


SERVICE_CHECK = Check(SERVICE_ID, SERVICE_TITLE, check_service)
ENI_CHECK = Check(ENI_ID, ENI_TITLE, check_task_enis)
