"""Carve a VPC range into public, private (app) and isolated (data) subnets, one of each per AZ.

Errors name `PrivateNetwork`'s arguments; the stack config, generated from those arguments, reports
them under its own (camelCase) keys.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network

TIERS = ("public", "private", "data")
# AWS allows VPC and subnet ranges from /16 to /28.
LARGEST_PREFIX = 16
SMALLEST_PREFIX = 28
RFC1918_RANGES = tuple(ipaddress.IPv4Network(r) for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


class SubnetLayoutError(ValueError):
    """`field` names the argument at fault (e.g. "cidr_block", "subnet_cidrs.private")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SubnetLayout:
    vpc: IPv4Network
    public: tuple[IPv4Network, ...]
    private: tuple[IPv4Network, ...]
    data: tuple[IPv4Network, ...]

    def tier(self, name: str) -> tuple[IPv4Network, ...]:
        return {"public": self.public, "private": self.private, "data": self.data}[name]


def parse_vpc_cidr(cidr: str) -> IPv4Network:
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        raise SubnetLayoutError("cidr_block", f"'{cidr}' is not an IPv4 network in CIDR form ({exc})") from None
    if not any(network.subnet_of(private) for private in RFC1918_RANGES):
        raise SubnetLayoutError(
            "cidr_block", f"'{cidr}' is not a private range; use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
        )
    if not LARGEST_PREFIX <= network.prefixlen <= SMALLEST_PREFIX:
        raise SubnetLayoutError(
            "cidr_block", f"'{cidr}' has prefix /{network.prefixlen}; AWS allows /16 to /28 for a VPC"
        )
    return network


def plan_subnets(cidr: str, az_count: int, prefixes: dict[str, int]) -> SubnetLayout:
    """Allocate `az_count` subnets per tier with the given prefix lengths, largest blocks first.

    Allocating in descending block size keeps every block aligned without gaps, so the check
    "does it fit" is exact.
    """
    vpc = parse_vpc_cidr(cidr)
    for tier in TIERS:
        prefix = prefixes[tier]
        if prefix < vpc.prefixlen:  # often the default prefix: the range is what to change
            raise SubnetLayoutError(
                "cidr_block",
                f"'{vpc}' is smaller than one /{prefix} {tier} subnet; use a larger range or smaller subnet_prefixes",
            )
    needed = sum(az_count * 2 ** (32 - prefixes[tier]) for tier in TIERS)
    if needed > vpc.num_addresses:
        smallest_fit = 32 - (needed - 1).bit_length()
        raise SubnetLayoutError(
            "cidr_block",
            f"'{vpc}' holds {vpc.num_addresses} addresses but {az_count} AZs of "
            + " + ".join(f"{tier} /{prefixes[tier]}" for tier in TIERS)
            + f" need {needed}; use a /{smallest_fit} or larger range, or smaller subnets",
        )
    allocated: dict[str, list[IPv4Network]] = {tier: [] for tier in TIERS}
    cursor = int(vpc.network_address)
    for tier in sorted(TIERS, key=lambda t: prefixes[t]):
        size = 2 ** (32 - prefixes[tier])
        for _ in range(az_count):
            allocated[tier].append(ipaddress.IPv4Network((cursor, prefixes[tier])))
            cursor += size
    return SubnetLayout(vpc, *(tuple(allocated[tier]) for tier in TIERS))


def check_explicit_subnets(cidr: str, az_count: int, subnets: Mapping[str, Sequence[str]]) -> SubnetLayout:
    """Validate subnet ranges a stack lists itself: inside the VPC, one per AZ, no overlaps."""
    vpc = parse_vpc_cidr(cidr)
    parsed: dict[str, tuple[IPv4Network, ...]] = {}
    for tier in TIERS:
        ranges = list(subnets[tier])
        if len(ranges) != az_count:
            raise SubnetLayoutError(
                f"subnet_cidrs.{tier}",
                f"lists {len(ranges)} ranges but availability_zone_count is {az_count}; give one per AZ",
            )
        networks = []
        for text in ranges:
            try:
                network = ipaddress.IPv4Network(text, strict=True)
            except ValueError as exc:
                raise SubnetLayoutError(f"subnet_cidrs.{tier}", f"'{text}' is not an IPv4 CIDR ({exc})") from None
            if not network.subnet_of(vpc):
                raise SubnetLayoutError(f"subnet_cidrs.{tier}", f"'{text}' is not inside the VPC range {vpc}")
            if not LARGEST_PREFIX <= network.prefixlen <= SMALLEST_PREFIX:
                raise SubnetLayoutError(f"subnet_cidrs.{tier}", f"'{text}' must be between /16 and /28")
            networks.append(network)
        parsed[tier] = tuple(networks)
    everything = [(tier, net) for tier in TIERS for net in parsed[tier]]
    for index, (tier, net) in enumerate(everything):
        for other_tier, other in everything[index + 1 :]:
            if net.overlaps(other):
                raise SubnetLayoutError(
                    f"subnet_cidrs.{other_tier}",
                    f"'{other}' overlaps '{net}' (subnet_cidrs.{tier}); subnet ranges must not overlap",
                )
    return SubnetLayout(vpc, parsed["public"], parsed["private"], parsed["data"])
