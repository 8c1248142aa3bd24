"""The emulated AWS account that answers data-source invokes in offline runs.

Each supported data source is answered by the AWS API call the provider itself would make, sent
to moto's in-process account, and mapped to the invoke's result in the engine's camelCase names.
Data sources the provider computes locally (policy documents) are rendered here. Anything else
raises `UnansweredInvokeError`, so a program never continues on a made-up empty result.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from secure_ecs.offline.attributes import AccountContext
from secure_ecs.offline.emulated_aws import EmulatedAws
from secure_ecs.offline.invokes import UnansweredInvokeError
from secure_ecs.offline.policy_document import render_policy_document
from secure_ecs.offline.stack_files import StackSettings

DEFAULT_REGION = "us-east-1"
# The caller moto names for credentials it did not issue (the fake ones the emulation uses), so the
# data source and a program's own `sts.get_caller_identity()` agree.
CALLER_USER_ID = "AKIAIOSFODNN7EXAMPLE"

Handler = Callable[["EmulatedAccount", dict[str, Any]], dict[str, Any]]

# Invoke token -> the function that answers it; filled by `@answers` below.
_HANDLERS: dict[str, Handler] = {}


class NoMatchingResourceError(Exception):
    """A data source's query matched nothing (or too much) in the emulated account."""

    def __init__(self, token: str, detail: str) -> None:
        super().__init__(
            f"the data source '{token}' {detail} in the offline account (moto's default account: a default VPC "
            "with one default subnet per zone, Amazon's public AMIs); pass the value in through stack config "
            "instead, or run a real `pulumi preview`"
        )
        self.token = token
        self.detail = detail


def _filters(args: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Invoke `filters` + `tags` (+ argument-derived filters) as EC2 API filters."""
    filters = [
        {"Name": f["name"], "Values": [str(v) for v in f.get("values") or []]} for f in args.get("filters") or []
    ]
    filters += [{"Name": f"tag:{key}", "Values": [str(value)]} for key, value in (args.get("tags") or {}).items()]
    for name, value in (extra or {}).items():
        if value is None or value == "":
            continue
        values = value if isinstance(value, list) else [value]
        filters.append({"Name": name, "Values": [str(v).lower() if isinstance(v, bool) else str(v) for v in values]})
    return filters


def _tags(described: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in described or []}


def _exactly_one(token: str, items: list[dict[str, Any]], what: str) -> dict[str, Any]:
    if not items:
        raise NoMatchingResourceError(token, f"found no matching {what}")
    if len(items) > 1:
        raise NoMatchingResourceError(token, f"found {len(items)} matching {what} where it needs exactly one")
    return items[0]


class EmulatedAccount:
    """An `InvokeResponder` backed by moto: one account, one home region, consistent across a run."""

    def __init__(self, region: str = DEFAULT_REGION, aws: EmulatedAws | None = None) -> None:
        self.region = region
        self.aws = aws or EmulatedAws(region)
        self._answering = threading.Lock()
        self._completed_default_vpcs: set[str] = set()

    def __enter__(self) -> EmulatedAccount:
        self.aws.activate()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.aws.deactivate()
        self.aws.close()
        if not self.aws.is_active:
            self._completed_default_vpcs.clear()  # the account's data was just reset

    def answer(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = _HANDLERS.get(token)
        if handler is None:
            raise UnansweredInvokeError(token)
        # Switched on around each answer too, so a responder used outside a `with` block still
        # never lets a call reach a real endpoint. One answer at a time: the engine calls from
        # several threads and moto's backends are not meant for concurrent requests.
        with self._answering, self.aws.active():
            try:
                return handler(self, args)
            except (UnansweredInvokeError, NoMatchingResourceError):
                raise
            except Exception as error:
                # An API error or a gap in moto: still one clear message naming the data source.
                detail = f"could not be answered ({type(error).__name__}: {error})"
                raise NoMatchingResourceError(token, detail) from error

    def ec2(self, args: Mapping[str, Any]) -> Any:
        client = self.aws.client("ec2", args.get("region") or None)
        region = self.region_of(args)
        # moto's data is process-wide and invokes arrive on several threads: complete it once.
        with _DEFAULT_VPC_LOCK:
            if region not in self._completed_default_vpcs:
                _complete_default_vpc(client)
                self._completed_default_vpcs.add(region)
        return client

    def region_of(self, args: Mapping[str, Any]) -> str:
        return str(args.get("region") or self.region)

    def partition_data(self, region: str) -> Mapping[str, Any]:
        for partition in self.aws.botocore_data("endpoints")["partitions"]:
            if region in partition["regions"] or re.match(partition["regionRegex"], region):
                return partition  # type: ignore[no-any-return]
        raise NoMatchingResourceError("aws:index/getPartition:getPartition", f"knows no partition for region {region}")

    def context(self) -> AccountContext:
        """Where this account's mock resources live, so computed ARNs name its id and partition."""
        # The id moto's STS answers with (MOTO_ACCOUNT_ID or its default), read without starting moto.
        account_id = os.environ.get("MOTO_ACCOUNT_ID") or AccountContext.account_id
        partition = str(self.partition_data(self.region)["partition"])
        return AccountContext(account_id=account_id, region=self.region, partition=partition)

    def reverse_dns_prefix(self, region: str) -> str:
        """``com.amazonaws`` (``cn.com.amazonaws`` in China): the prefix of endpoint service names."""
        return _reverse_dns_prefix(str(self.partition_data(region)["dnsSuffix"]))


_DEFAULT_VPC_LOCK = threading.Lock()


def _complete_default_vpc(ec2: Any) -> None:
    """Give moto's default VPC what AWS gives every account's: an attached internet gateway and a
    0.0.0.0/0 route to it in the main route table (moto creates the VPC and subnets only)."""
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    for vpc in vpcs:
        attached = ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}]
        )["InternetGateways"]
        if attached:
            continue
        gateway_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc["VpcId"])
        main_tables = ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "association.main", "Values": ["true"]}]
        )["RouteTables"]
        for table in main_tables:
            ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0",
                             GatewayId=gateway_id)


def _reverse_dns_prefix(dns_suffix: str) -> str:
    return ".".join(reversed(dns_suffix.split(".")))


def answers(token: str) -> Callable[[Handler], Handler]:
    """Register a handler for one invoke token."""

    def register(handler: Handler) -> Handler:
        _HANDLERS[token] = handler
        return handler

    return register


# --- account-wide ---------------------------------------------------------------------------------


# Who and where the account is comes from its context and botocore's endpoint table, not from
# moto: these are the most common data sources, and starting moto's EC2 for one costs a second.


@answers("aws:index/getCallerIdentity:getCallerIdentity")
def _caller_identity(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    context = account.context()
    return {"accountId": context.account_id, "arn": f"arn:{context.partition}:sts::{context.account_id}:user/moto",
            "userId": CALLER_USER_ID, "id": context.account_id}


@answers("aws:index/getRegion:getRegion")
def _region(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    name = str(args.get("region") or args.get("name") or account.region)
    partition = account.partition_data(name)
    known = [partition["regions"][name]] if name in partition["regions"] else []
    region = _exactly_one("aws:index/getRegion:getRegion", known, f"region named {name}")
    return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.{partition['dnsSuffix']}",
            "description": region.get("description", name)}


@answers("aws:index/getPartition:getPartition")
def _partition(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    partition = account.partition_data(account.region_of(args))
    return {"partition": partition["partition"], "dnsSuffix": partition["dnsSuffix"], "id": partition["partition"],
            "reverseDnsPrefix": account.reverse_dns_prefix(account.region_of(args))}


@answers("aws:index/getAvailabilityZones:getAvailabilityZones")
def _availability_zones(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    filters = _filters(args, {"state": args.get("state")})
    request: dict[str, Any] = {"Filters": filters} if filters else {}
    if args.get("allAvailabilityZones"):
        request["AllAvailabilityZones"] = True
    zones = account.ec2(args).describe_availability_zones(**request)["AvailabilityZones"]
    excluded_names = set(args.get("excludeNames") or [])
    excluded_ids = set(args.get("excludeZoneIds") or [])
    zones = [z for z in zones if z["ZoneName"] not in excluded_names and z["ZoneId"] not in excluded_ids]
    zones.sort(key=lambda z: z["ZoneName"])
    return {
        **args,
        "id": account.region_of(args),
        "region": account.region_of(args),
        "names": [z["ZoneName"] for z in zones],
        "zoneIds": [z["ZoneId"] for z in zones],
        "groupNames": sorted({z.get("GroupName", z["RegionName"]) for z in zones}),
    }


# --- networking -----------------------------------------------------------------------------------


def _vpc_result(account: EmulatedAccount, args: dict[str, Any], vpc: dict[str, Any]) -> dict[str, Any]:
    ec2 = account.ec2(args)
    vpc_id = vpc["VpcId"]

    def attribute(name: str, key: str) -> bool:
        return bool(ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=name)[key]["Value"])

    main_tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    owner = vpc.get("OwnerId", "")
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    return {
        **args,
        "id": vpc_id,
        "arn": f"arn:{partition}:ec2:{region}:{owner}:vpc/{vpc_id}",
        "cidrBlock": vpc["CidrBlock"],
        "cidrBlockAssociations": [
            {"associationId": a["AssociationId"], "cidrBlock": a["CidrBlock"], "state": a["CidrBlockState"]["State"]}
            for a in vpc.get("CidrBlockAssociationSet", [])
        ],
        "default": bool(vpc.get("IsDefault")),
        "dhcpOptionsId": vpc.get("DhcpOptionsId", ""),
        "enableDnsHostnames": attribute("enableDnsHostnames", "EnableDnsHostnames"),
        "enableDnsSupport": attribute("enableDnsSupport", "EnableDnsSupport"),
        "enableNetworkAddressUsageMetrics": False,
        "instanceTenancy": vpc.get("InstanceTenancy", "default"),
        "mainRouteTableId": main_tables[0]["RouteTableId"] if main_tables else "",
        "ownerId": owner,
        "region": region,
        "state": vpc.get("State", "available"),
        "tags": _tags(vpc.get("Tags")),
    }


@answers("aws:ec2/getVpc:getVpc")
def _vpc(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    extra = {"vpc-id": args.get("id"), "cidr": args.get("cidrBlock"), "state": args.get("state"),
             "dhcp-options-id": args.get("dhcpOptionsId")}
    if args.get("default") is not None:
        extra["is-default"] = bool(args["default"])
    vpcs = account.ec2(args).describe_vpcs(Filters=_filters(args, extra))["Vpcs"]
    return _vpc_result(account, args, _exactly_one("aws:ec2/getVpc:getVpc", vpcs, "VPC"))


@answers("aws:ec2/getVpcs:getVpcs")
def _vpcs(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    vpcs = account.ec2(args).describe_vpcs(Filters=_filters(args))["Vpcs"]
    return {**args, "id": account.region_of(args), "ids": [v["VpcId"] for v in vpcs]}


def _subnet_result(account: EmulatedAccount, args: dict[str, Any], subnet: dict[str, Any]) -> dict[str, Any]:
    return {
        **args,
        "id": subnet["SubnetId"],
        "arn": subnet.get("SubnetArn", ""),
        "availabilityZone": subnet["AvailabilityZone"],
        "availabilityZoneId": subnet.get("AvailabilityZoneId", ""),
        "availableIpAddressCount": subnet.get("AvailableIpAddressCount", 0),
        "cidrBlock": subnet["CidrBlock"],
        "defaultForAz": bool(subnet.get("DefaultForAz")),
        "mapPublicIpOnLaunch": bool(subnet.get("MapPublicIpOnLaunch")),
        "mapCustomerOwnedIpOnLaunch": bool(subnet.get("MapCustomerOwnedIpOnLaunch")),
        "ownerId": subnet.get("OwnerId", ""),
        "state": subnet.get("State", "available"),
        "tags": _tags(subnet.get("Tags")),
        "vpcId": subnet["VpcId"],
        "region": account.region_of(args),
    }


@answers("aws:ec2/getSubnets:getSubnets")
def _subnets(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    subnets = account.ec2(args).describe_subnets(Filters=_filters(args))["Subnets"]
    return {**args, "id": account.region_of(args), "ids": [s["SubnetId"] for s in subnets]}


@answers("aws:ec2/getSubnet:getSubnet")
def _subnet(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    extra = {
        "subnet-id": args.get("id"),
        "vpc-id": args.get("vpcId"),
        "availability-zone": args.get("availabilityZone"),
        "availability-zone-id": args.get("availabilityZoneId"),
        "cidr-block": args.get("cidrBlock"),
        "state": args.get("state"),
    }
    if args.get("defaultForAz") is not None:
        extra["default-for-az"] = bool(args["defaultForAz"])
    subnets = account.ec2(args).describe_subnets(Filters=_filters(args, extra))["Subnets"]
    return _subnet_result(account, args, _exactly_one("aws:ec2/getSubnet:getSubnet", subnets, "subnet"))


def _security_groups(account: EmulatedAccount, args: dict[str, Any], extra: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(account.ec2(args).describe_security_groups(Filters=_filters(args, extra))["SecurityGroups"])


@answers("aws:ec2/getSecurityGroup:getSecurityGroup")
def _security_group(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ec2/getSecurityGroup:getSecurityGroup"
    extra = {"group-id": args.get("id"), "group-name": args.get("name"), "vpc-id": args.get("vpcId")}
    group = _exactly_one(token, _security_groups(account, args, extra), "security group")
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    return {
        **args,
        "id": group["GroupId"],
        "arn": f"arn:{partition}:ec2:{region}:{group['OwnerId']}:security-group/{group['GroupId']}",
        "name": group["GroupName"],
        "description": group.get("Description", ""),
        "vpcId": group.get("VpcId", ""),
        "tags": _tags(group.get("Tags")),
        "region": region,
    }


@answers("aws:ec2/getSecurityGroups:getSecurityGroups")
def _security_group_ids(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    groups = _security_groups(account, args, {})
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    return {
        **args,
        "id": region,
        "ids": [g["GroupId"] for g in groups],
        "vpcIds": [g.get("VpcId", "") for g in groups],
        "arns": [f"arn:{partition}:ec2:{region}:{g['OwnerId']}:security-group/{g['GroupId']}" for g in groups],
        "region": region,
    }


@answers("aws:ec2/getPrefixList:getPrefixList")
def _prefix_list(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = {"Filters": _filters(args, {"prefix-list-name": args.get("name")})}
    if args.get("prefixListId"):
        request["PrefixListIds"] = [args["prefixListId"]]
    lists = account.ec2(args).describe_prefix_lists(**request)["PrefixLists"]
    found = _exactly_one("aws:ec2/getPrefixList:getPrefixList", lists, "prefix list")
    return {**args, "id": found["PrefixListId"], "prefixListId": found["PrefixListId"],
            "name": found["PrefixListName"], "cidrBlocks": list(found.get("Cidrs", [])),
            "region": account.region_of(args)}


@answers("aws:ec2/getInternetGateway:getInternetGateway")
def _internet_gateway(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ec2/getInternetGateway:getInternetGateway"
    extra = {"internet-gateway-id": args.get("internetGatewayId")}
    gateways = account.ec2(args).describe_internet_gateways(Filters=_filters(args, extra))["InternetGateways"]
    gateway = _exactly_one(token, gateways, "internet gateway")
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    owner = gateway.get("OwnerId", "")
    return {
        **args,
        "id": gateway["InternetGatewayId"],
        "internetGatewayId": gateway["InternetGatewayId"],
        "arn": f"arn:{partition}:ec2:{region}:{owner}:internet-gateway/{gateway['InternetGatewayId']}",
        "attachments": [{"state": a.get("State", "available"), "vpcId": a["VpcId"]}
                        for a in gateway.get("Attachments", [])],
        "ownerId": owner,
        "tags": _tags(gateway.get("Tags")),
        "region": region,
    }


@answers("aws:ec2/getRouteTable:getRouteTable")
def _route_table(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ec2/getRouteTable:getRouteTable"
    extra = {"route-table-id": args.get("routeTableId"), "vpc-id": args.get("vpcId"),
             "association.subnet-id": args.get("subnetId"), "association.gateway-id": args.get("gatewayId")}
    tables = account.ec2(args).describe_route_tables(Filters=_filters(args, extra))["RouteTables"]
    table = _exactly_one(token, tables, "route table")
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    owner = table.get("OwnerId", "")
    return {
        **args,
        "id": table["RouteTableId"],
        "routeTableId": table["RouteTableId"],
        "arn": f"arn:{partition}:ec2:{region}:{owner}:route-table/{table['RouteTableId']}",
        "vpcId": table["VpcId"],
        "ownerId": owner,
        "routes": [
            {"cidrBlock": r.get("DestinationCidrBlock", ""), "gatewayId": r.get("GatewayId", ""),
             "natGatewayId": r.get("NatGatewayId", ""), "destinationPrefixListId": r.get("DestinationPrefixListId", "")}
            for r in table.get("Routes", []) if r.get("GatewayId") != "local"
        ],
        "associations": [
            {"routeTableAssociationId": a.get("RouteTableAssociationId", ""), "routeTableId": table["RouteTableId"],
             "subnetId": a.get("SubnetId", ""), "gatewayId": a.get("GatewayId", ""), "main": bool(a.get("Main"))}
            for a in table.get("Associations", [])
        ],
        "tags": _tags(table.get("Tags")),
        "region": region,
    }


@answers("aws:ec2/getVpcEndpointService:getVpcEndpointService")
def _vpc_endpoint_service(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ec2/getVpcEndpointService:getVpcEndpointService"
    region = account.region_of(args)
    name = args.get("serviceName") or f"{account.reverse_dns_prefix(region)}.{region}.{args.get('service', '')}"
    # Asked by name only: moto's filter support for this call is incomplete.
    details = account.ec2(args).describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"]
    wanted_type = args.get("serviceType")
    if wanted_type:
        details = [d for d in details if any(t["ServiceType"] == wanted_type for t in d.get("ServiceType", []))]
    service = _exactly_one(token, details, f"endpoint service {name}")
    types = [t["ServiceType"] for t in service.get("ServiceType", [])]
    return {
        **args,
        "id": service.get("ServiceId", name),
        "serviceId": service.get("ServiceId", ""),
        "serviceName": service["ServiceName"],
        "service": args.get("service") or service["ServiceName"].rsplit(f"{region}.", 1)[-1],
        "serviceType": types[0] if types else "",
        "availabilityZones": sorted(service.get("AvailabilityZones", [])),
        "baseEndpointDnsNames": list(service.get("BaseEndpointDnsNames", [])),
        "privateDnsName": service.get("PrivateDnsName", ""),
        "privateDnsNames": [p["PrivateDnsName"] for p in service.get("PrivateDnsNames", [])],
        "owner": service.get("Owner", ""),
        "acceptanceRequired": bool(service.get("AcceptanceRequired")),
        "managesVpcEndpoints": bool(service.get("ManagesVpcEndpoints")),
        "vpcEndpointPolicySupported": bool(service.get("VpcEndpointPolicySupported")),
        "supportedIpAddressTypes": list(service.get("SupportedIpAddressTypes", ["ipv4"])),
        "serviceRegion": region,
        "tags": _tags(service.get("Tags")),
        "region": region,
    }


# --- images -----------------------------------------------------------------------------------------


def _matching_images(account: EmulatedAccount, args: dict[str, Any]) -> list[dict[str, Any]]:
    request: dict[str, Any] = {"Filters": _filters(args)}
    if args.get("owners"):
        request["Owners"] = list(args["owners"])
    if args.get("executableUsers"):
        request["ExecutableUsers"] = list(args["executableUsers"])
    if args.get("includeDeprecated"):
        request["IncludeDeprecated"] = True
    images = list(account.ec2(args).describe_images(**request)["Images"])
    if args.get("nameRegex"):
        pattern = re.compile(str(args["nameRegex"]))
        images = [image for image in images if pattern.search(image.get("Name", ""))]
    return images


@answers("aws:ec2/getAmiIds:getAmiIds")
def _ami_ids(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    images = sorted(_matching_images(account, args), key=lambda i: i.get("CreationDate", ""),
                    reverse=not args.get("sortAscending"))
    return {**args, "id": account.region_of(args), "ids": [i["ImageId"] for i in images],
            "region": account.region_of(args)}


@answers("aws:ec2/getAmi:getAmi")
def _ami(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ec2/getAmi:getAmi"
    images = _matching_images(account, args)
    if len(images) > 1 and args.get("mostRecent"):
        images = [max(images, key=lambda i: i.get("CreationDate", ""))]
    image = _exactly_one(token, images, "AMI (set most_recent=True to pick the newest of several)")
    region = account.region_of(args)
    partition = account.partition_data(region)["partition"]
    return {
        **args,
        "id": image["ImageId"],
        "imageId": image["ImageId"],
        "arn": f"arn:{partition}:ec2:{region}::image/{image['ImageId']}",
        "architecture": image.get("Architecture", "x86_64"),
        "creationDate": image.get("CreationDate", ""),
        "description": image.get("Description", ""),
        "hypervisor": image.get("Hypervisor", ""),
        "imageLocation": image.get("ImageLocation", ""),
        "imageOwnerAlias": image.get("ImageOwnerAlias", ""),
        "imageType": image.get("ImageType", "machine"),
        "name": image.get("Name", ""),
        "ownerId": image.get("OwnerId", ""),
        "platform": image.get("Platform", ""),
        "platformDetails": image.get("PlatformDetails", ""),
        "public": bool(image.get("Public")),
        "rootDeviceName": image.get("RootDeviceName", ""),
        "rootDeviceType": image.get("RootDeviceType", ""),
        "rootSnapshotId": next((m["Ebs"]["SnapshotId"] for m in image.get("BlockDeviceMappings", [])
                                if m.get("DeviceName") == image.get("RootDeviceName") and "Ebs" in m), ""),
        "state": image.get("State", "available"),
        "virtualizationType": image.get("VirtualizationType", ""),
        "bootMode": image.get("BootMode", ""),
        "enaSupport": bool(image.get("EnaSupport")),
        "blockDeviceMappings": [
            {
                "deviceName": m.get("DeviceName", ""),
                "ebs": {key[0].lower() + key[1:]: str(value) for key, value in m.get("Ebs", {}).items()},
                "noDevice": "",
                "virtualName": m.get("VirtualName", ""),
            }
            for m in image.get("BlockDeviceMappings", [])
        ],
        "productCodes": [],
        "tags": _tags(image.get("Tags")),
        "region": region,
    }


# --- IAM and ECR ------------------------------------------------------------------------------------


@answers("aws:iam/getPolicyDocument:getPolicyDocument")
def _policy_document(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    return render_policy_document(args)


@answers("aws:ecr/getRepository:getRepository")
def _ecr_repository(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    token = "aws:ecr/getRepository:getRepository"
    ecr = account.aws.client("ecr", args.get("region") or None)
    request: dict[str, Any] = {"repositoryNames": [args["name"]]}
    if args.get("registryId"):
        request["registryId"] = args["registryId"]
    try:
        repositories = ecr.describe_repositories(**request)["repositories"]
    except ecr.exceptions.RepositoryNotFoundException:
        repositories = []
    repository = _exactly_one(token, repositories, f"ECR repository named {args['name']}")
    tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"]).get("tags", [])
    return {
        **args,
        "id": repository["repositoryName"],
        "arn": repository["repositoryArn"],
        "name": repository["repositoryName"],
        "registryId": repository["registryId"],
        "repositoryUrl": repository["repositoryUri"],
        "imageTagMutability": repository.get("imageTagMutability", "MUTABLE"),
        "imageTagMutabilityExclusionFilters": [],
        "imageScanningConfigurations": [
            {"scanOnPush": bool(repository.get("imageScanningConfiguration", {}).get("scanOnPush"))}
        ],
        "encryptionConfigurations": [
            {"encryptionType": c.get("encryptionType", "AES256"), "kmsKey": c.get("kmsKey", "")}
            for c in [repository.get("encryptionConfiguration", {"encryptionType": "AES256"})]
        ],
        "mostRecentImageTags": [],
        "tags": _tags(tags),
        "region": account.region_of(args),
    }


def _registry_login(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    """The registry login a docker build reads: a base64 ``user:password`` token for the account's registry."""
    ecr = account.aws.client("ecr", args.get("region") or None)
    request = {"registryIds": [args["registryId"]]} if args.get("registryId") else {}
    data = ecr.get_authorization_token(**request)["authorizationData"][0]
    return {
        **args,
        "authorizationToken": data["authorizationToken"],
        "expiresAt": str(data["expiresAt"]),
        "proxyEndpoint": data["proxyEndpoint"],
        "registryId": args.get("registryId") or account.context().account_id,
        "region": account.region_of(args),
    }


@answers("aws:ecr/getAuthorizationToken:getAuthorizationToken")
def _authorization_token(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    login = _registry_login(account, args)
    user, password = base64.b64decode(login["authorizationToken"]).decode().split(":", 1)
    return {**login, "id": account.region_of(args), "userName": user, "password": password}


@answers("aws:ecr/getCredentials:getCredentials")
def _credentials(account: EmulatedAccount, args: dict[str, Any]) -> dict[str, Any]:
    return {**_registry_login(account, args), "id": args["registryId"]}


def default_responder(settings: StackSettings) -> EmulatedAccount:
    """The emulated account in the stack's configured region (`aws:region`)."""
    return EmulatedAccount(region=settings.config.get("aws:region", DEFAULT_REGION))
