"""Checks 4, 5 and 9: subnets with no way out, the VPC endpoints Fargate needs, and flow logs."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from secure_ecs.verify.aws import error_code
from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.checks.lookups import default_route_targets, paginate, subnet_route_tables
from secure_ecs.verify.model import CheckResult, Verdict
from secure_ecs_facts.endpoint_services import REQUIRED_INTERFACE_SERVICES

SUBNETS_ID = "subnets"
SUBNETS_TITLE = "Private and data subnets: no public IPs on launch, no internet route"
SUBNETS_REMEDIATION = ("Set MapPublicIpOnLaunch false on the subnets (`aws ec2 modify-subnet-attribute "
                       "--no-map-public-ip-on-launch`) and remove 0.0.0.0/0 routes to an internet gateway from the "
                       "private and data route tables; tasks reach AWS through the VPC endpoints. Data subnets take "
                       "no default route at all. Run `pulumi up` to undo drift.")
ENDPOINTS_ID = "endpoints"
ENDPOINTS_TITLE = "VPC endpoints: ECR, Logs (and Secrets Manager) with private DNS, S3 gateway routed"
ENDPOINTS_REMEDIATION = ("Recreate the missing endpoints (`pulumi up`; EndpointSet declares them), wait until they "
                         "are `available`, keep private DNS on for interface endpoints, and attach the S3 gateway "
                         "endpoint to every private route table; without them tasks cannot pull images or log.")
FLOW_LOGS_ID = "flow-logs"
FLOW_LOGS_TITLE = "VPC flow logs active, capturing ALL traffic"
FLOW_LOGS_REMEDIATION = ("Create a flow log for the VPC with --traffic-type ALL (`aws ec2 create-flow-logs "
                         "--resource-type VPC --resource-ids VPC --traffic-type ALL ...`, or `pulumi up`); a FAILED "
                         "delivery status means the log group or its role is wrong.")

_BASE_INTERFACE_SERVICES = REQUIRED_INTERFACE_SERVICES


def _not_found(error: ClientError) -> bool:
    return error_code(error).endswith(".NotFound") or error_code(error).endswith("NotFoundException")


def _check_default_routes(verdict: Verdict, subnet_id: str, tier: str, table: dict[str, Any]) -> None:
    table_id = table.get("RouteTableId")
    targets = default_route_targets(table)
    for target in targets:
        if target.startswith("igw-"):
            verdict.fail(f"{tier} subnet {subnet_id}: route table {table_id} sends the default route to {target}")
        elif tier == "data":
            verdict.fail(f"data subnet {subnet_id}: route table {table_id} has a default route to {target}")
        elif target.startswith("nat-"):
            verdict.warn(f"private subnet {subnet_id}: outbound internet through {target} (the stack's NAT "
                         "egress; traffic leaves the VPC)")
        else:
            verdict.warn(f"private subnet {subnet_id}: default route to {target}; confirm it cannot reach the internet")
    if not targets:
        verdict.ok(f"{tier} subnet {subnet_id}: route table {table_id} has no default route")


def check_subnets(check: CheckInput) -> CheckResult:
    verdict = Verdict(SUBNETS_ID, SUBNETS_TITLE, SUBNETS_REMEDIATION)
    outputs = check.outputs
    tiers = {**{s: "public" for s in outputs.public_subnet_ids}, **{s: "private" for s in outputs.private_subnet_ids},
             **{s: "data" for s in outputs.data_subnet_ids}}
    try:
        subnets = check.aws.client("ec2").describe_subnets(SubnetIds=list(tiers))["Subnets"]
    except ClientError as error:
        if not _not_found(error):
            raise
        verdict.fail(f"a subnet in the outputs does not exist: {error.response['Error'].get('Message')}")
        return verdict.result()
    for subnet in subnets:
        subnet_id, tier = subnet["SubnetId"], tiers[subnet["SubnetId"]]
        if subnet.get("VpcId") != outputs.vpc_id:
            verdict.fail(f"{tier} subnet {subnet_id} is in {subnet.get('VpcId')}, not {outputs.vpc_id}")
        if subnet.get("MapPublicIpOnLaunch"):
            # The design keeps even the ALB's subnets from handing out public IPs; only there is it a warning.
            note = f"{tier} subnet {subnet_id} gives every new ENI a public IP (MapPublicIpOnLaunch true)"
            if tier == "public":
                verdict.warn(note)
            else:
                verdict.fail(note)
    verdict.ok(f"checked MapPublicIpOnLaunch on {len(subnets)} subnet(s)")
    inner = [*outputs.private_subnet_ids, *outputs.data_subnet_ids]
    tables = subnet_route_tables(check.aws, outputs.vpc_id, inner)
    for subnet_id in inner:
        table = tables.get(subnet_id)
        if table is None:
            verdict.warn(f"no route table found for subnet {subnet_id}")
        else:
            _check_default_routes(verdict, subnet_id, tiers[subnet_id], table)
    return verdict.result()


def _service_suffix(service_name: str, region: str) -> str:
    """`com.amazonaws.us-east-1.ecr.api` -> `ecr.api`."""
    marker = f".{region}."
    return service_name.split(marker, 1)[1] if marker in service_name else service_name


def _usable_interface(endpoint: dict[str, Any]) -> bool:
    return str(endpoint.get("State", "")).lower() == "available" and bool(endpoint.get("PrivateDnsEnabled"))


def _check_interfaces(verdict: Verdict, check: CheckInput, endpoints: list[dict[str, Any]]) -> None:
    outputs, region = check.outputs, check.aws.region
    required = set(_BASE_INTERFACE_SERVICES) | set(outputs.interface_endpoint_ids)
    if outputs.database_secret_arn:
        required.add("secretsmanager")
    by_id = {e["VpcEndpointId"]: e for e in endpoints}
    for service, endpoint_id in sorted(outputs.interface_endpoint_ids.items()):
        if endpoint_id not in by_id:
            verdict.fail(f"{service} endpoint {endpoint_id} from the outputs does not exist in {outputs.vpc_id}")
    for service in sorted(required):
        candidates = [e for e in endpoints if e.get("VpcEndpointType") == "Interface"
                      and _service_suffix(str(e.get("ServiceName", "")), region) == service]
        usable = [e for e in candidates if _usable_interface(e)]
        if usable:
            verdict.ok(f"{service}: {usable[0]['VpcEndpointId']} available, private DNS on")
        elif candidates:
            states = ", ".join(f"{e['VpcEndpointId']} {e.get('State')} private DNS "
                               f"{'on' if e.get('PrivateDnsEnabled') else 'off'}" for e in candidates)
            verdict.fail(f"{service}: no endpoint is available with private DNS ({states})")
        else:
            verdict.fail(f"{service}: no interface endpoint in {outputs.vpc_id}")


def _check_s3_gateway(verdict: Verdict, check: CheckInput, endpoints: list[dict[str, Any]]) -> None:
    outputs = check.outputs
    gateways = [e for e in endpoints if e.get("VpcEndpointType") == "Gateway"
                and _service_suffix(str(e.get("ServiceName", "")), check.aws.region) == "s3"
                and str(e.get("State", "")).lower() == "available"]
    if not gateways:
        verdict.fail(f"s3: no available gateway endpoint in {outputs.vpc_id} (ECR image layers come from S3)")
        return
    if outputs.s3_endpoint_id not in {e["VpcEndpointId"] for e in gateways}:
        verdict.warn(f"s3: the stack's endpoint {outputs.s3_endpoint_id} is gone; another gateway serves the VPC")
    attached = {table for e in gateways for table in e.get("RouteTableIds", [])}
    tables = subnet_route_tables(check.aws, outputs.vpc_id, outputs.private_subnet_ids)
    missing = sorted({str(t["RouteTableId"]) for t in tables.values()} - attached)
    verdict.check(not missing, f"s3: gateway attached to the private route tables {sorted(attached)}",
                  f"s3: gateway endpoint not attached to private route table(s) {missing}")


def check_endpoints(check: CheckInput) -> CheckResult:
    verdict = Verdict(ENDPOINTS_ID, ENDPOINTS_TITLE, ENDPOINTS_REMEDIATION)
    endpoints = list(paginate(check.aws.client("ec2"), "describe_vpc_endpoints", "VpcEndpoints",
                              Filters=[{"Name": "vpc-id", "Values": [check.outputs.vpc_id]}]))
    _check_interfaces(verdict, check, endpoints)
    _check_s3_gateway(verdict, check, endpoints)
    return verdict.result()


def check_flow_logs(check: CheckInput) -> CheckResult:
    verdict = Verdict(FLOW_LOGS_ID, FLOW_LOGS_TITLE, FLOW_LOGS_REMEDIATION)
    vpc_id = check.outputs.vpc_id
    logs = list(paginate(check.aws.client("ec2"), "describe_flow_logs", "FlowLogs",
                         Filters=[{"Name": "resource-id", "Values": [vpc_id]}]))
    complete = [log for log in logs if log.get("FlowLogStatus") == "ACTIVE" and log.get("TrafficType") == "ALL"]
    if not complete:
        seen = ", ".join(f"{log.get('FlowLogId')} {log.get('FlowLogStatus')} {log.get('TrafficType')}" for log in logs)
        verdict.fail(f"no ACTIVE flow log capturing ALL traffic on {vpc_id} ({seen or 'no flow logs at all'})")
        return verdict.result()
    ours = [log for log in complete if log.get("FlowLogId") == check.outputs.flow_log_id]
    chosen = ours[0] if ours else complete[0]
    verdict.ok(f"{chosen.get('FlowLogId')}: ACTIVE, ALL traffic, to {chosen.get('LogDestinationType')} "
               f"{chosen.get('LogGroupName') or chosen.get('LogDestination') or ''}".rstrip())
    if not ours:
        verdict.warn(f"the stack's flow log {check.outputs.flow_log_id} is gone; {chosen.get('FlowLogId')} covers "
                     "the VPC instead")
    if chosen.get("DeliverLogsStatus") == "FAILED":
        verdict.warn(f"{chosen.get('FlowLogId')} cannot deliver: {chosen.get('DeliverLogsErrorMessage', 'no reason')}")
    return verdict.result()


SUBNETS_CHECK = Check(SUBNETS_ID, SUBNETS_TITLE, check_subnets)
ENDPOINTS_CHECK = Check(ENDPOINTS_ID, ENDPOINTS_TITLE, check_endpoints)
FLOW_LOGS_CHECK = Check(FLOW_LOGS_ID, FLOW_LOGS_TITLE, check_flow_logs)
