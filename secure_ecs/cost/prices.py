"""The dated list-price table the estimator uses (no live Pricing API: there is no AWS account here).

Every number is a public on-demand list price for US East (N. Virginia), in USD, as printed on the
AWS price page named in `PRICE_SOURCES`. Prices change: `AS_OF` is the date the table was last
checked, and the report prints it next to every estimate. Regions other than us-east-1 are refused
(`UnsupportedRegionError`) rather than scaled by a guessed multiplier: regional price ratios differ
per service, so a single factor would be silently wrong for some lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

AS_OF = "2026-11-01"
SUPPORTED_REGION = "us-east-1"

PRICE_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "fargate": "AWS Fargate Pricing (aws.amazon.com/fargate/pricing) - Linux/x86 and Linux/ARM",
        "privatelink": "AWS PrivateLink Pricing (aws.amazon.com/privatelink/pricing) - Interface Endpoint pricing",
        "vpc": "Amazon VPC Pricing (aws.amazon.com/vpc/pricing) - NAT Gateway, Public IPv4 Address",
        "elb": "Elastic Load Balancing Pricing (aws.amazon.com/elasticloadbalancing/pricing) - ALB",
        "rds": "Amazon RDS for PostgreSQL Pricing (aws.amazon.com/rds/postgresql/pricing) - On-Demand, Single-AZ; "
        "Storage: General Purpose SSD (gp2, gp3), Provisioned IOPS SSD (io1) storage and Provisioned IOPS",
        "cloudwatch": "Amazon CloudWatch Pricing (aws.amazon.com/cloudwatch/pricing) - Logs: Standard ingestion, Store",
        "kms": "AWS Key Management Service Pricing (aws.amazon.com/kms/pricing) - customer managed keys",
        "secretsmanager": "AWS Secrets Manager Pricing (aws.amazon.com/secrets-manager/pricing)",
        "waf": "AWS WAF Pricing (aws.amazon.com/waf/pricing) - web ACL, rule, requests",
        "ecr": "Amazon ECR Pricing (aws.amazon.com/ecr/pricing) - storage, data transfer",
        "data_transfer": "Amazon EC2 On-Demand Pricing (aws.amazon.com/ec2/pricing/on-demand) - Data Transfer",
    }
)


@dataclass(frozen=True)
class PriceTable:
    """Unit prices for one region. Units are in the field names: per hour, per GB, per GB-month, per month."""

    region: str
    as_of: str
    sources: Mapping[str, str]

    # Fargate, on-demand, billed per second for the configured (not used) vCPU and memory.
    fargate_x86_vcpu_hour: float = 0.04048
    fargate_x86_gb_hour: float = 0.004445
    fargate_arm_vcpu_hour: float = 0.03238
    fargate_arm_gb_hour: float = 0.00356

    # Interface endpoints: billed per endpoint *per AZ* per hour, plus per GB processed (first PB tier).
    interface_endpoint_az_hour: float = 0.01
    interface_endpoint_gb: float = 0.01
    gateway_endpoint_hour: float = 0.0  # S3 and DynamoDB gateway endpoints carry no charge

    nat_gateway_hour: float = 0.045
    nat_gateway_gb: float = 0.045
    # Since 2024-02-01 every public IPv4 address (in use or idle, EIP or auto-assigned) is billed.
    public_ipv4_hour: float = 0.005

    alb_hour: float = 0.0225
    alb_lcu_hour: float = 0.008

    # Internet egress, first 10 TB tier (the account-wide 100 GB/month free allowance is not applied).
    internet_egress_gb: float = 0.09
    # In-region traffic between tasks and AWS service public endpoints (ECR, S3, CloudWatch Logs) through
    # an internet gateway is not billed as data transfer; inbound from the internet is free.
    in_region_service_transfer_gb: float = 0.0

    # RDS storage per GB-month; Multi-AZ (one standby) bills storage twice.
    rds_gp3_gb_month: float = 0.115
    rds_gp2_gb_month: float = 0.115
    rds_io1_gb_month: float = 0.125
    # io1 also bills every provisioned IOPS, used or not; Multi-AZ bills the IOPS twice as well.
    rds_io1_iops_month: float = 0.10
    # gp3 IOPS and throughput above the included baseline are billed too, but those two prices are not
    # in this table (not confirmed against the price page): `rules._rds` lists them as not priced.

    cloudwatch_logs_ingest_gb: float = 0.50
    # Vended logs (VPC flow logs, WAF logs to CloudWatch) start at the same $0.50/GB first-10-TB tier.
    cloudwatch_vended_logs_ingest_gb: float = 0.50
    cloudwatch_logs_storage_gb_month: float = 0.03

    kms_key_month: float = 1.0
    secret_month: float = 0.40

    waf_web_acl_month: float = 5.0
    waf_rule_month: float = 1.0
    waf_million_requests: float = 0.60

    ecr_storage_gb_month: float = 0.10

    rds_postgres_instance_hour: Mapping[str, float] = field(default_factory=dict)
    """Single-AZ on-demand hourly price by instance class (Multi-AZ with one standby is twice this)."""


# RDS for PostgreSQL, Single-AZ, on-demand, us-east-1. Engines other than PostgreSQL are refused
# (listed as not priced) rather than priced from this table.
_RDS_POSTGRES_US_EAST_1: Mapping[str, float] = MappingProxyType(
    {
        "db.t4g.micro": 0.016,
        "db.t4g.small": 0.032,
        "db.t4g.medium": 0.065,
        "db.t4g.large": 0.129,
        "db.t4g.xlarge": 0.258,
        "db.t4g.2xlarge": 0.517,
        "db.t3.micro": 0.018,
        "db.t3.small": 0.036,
        "db.t3.medium": 0.072,
        "db.t3.large": 0.145,
        "db.t3.xlarge": 0.290,
        "db.t3.2xlarge": 0.580,
        "db.m6g.large": 0.159,
        "db.m6g.xlarge": 0.318,
        "db.m6g.2xlarge": 0.636,
        "db.m6g.4xlarge": 1.272,
        "db.m5.large": 0.178,
        "db.m5.xlarge": 0.356,
        "db.m5.2xlarge": 0.712,
        "db.r6g.large": 0.225,
        "db.r6g.xlarge": 0.450,
        "db.r6g.2xlarge": 0.899,
        "db.r6g.4xlarge": 1.798,
        "db.r5.large": 0.250,
        "db.r5.xlarge": 0.500,
        "db.r5.2xlarge": 1.000,
    }
)

US_EAST_1 = PriceTable(
    region=SUPPORTED_REGION,
    as_of=AS_OF,
    sources=PRICE_SOURCES,
    rds_postgres_instance_hour=_RDS_POSTGRES_US_EAST_1,
)


class UnsupportedRegionError(ValueError):
    """The stack's region has no price table; the message names the region and what to do."""

    def __init__(self, region: str) -> None:
        self.region = region
        super().__init__(
            f"no price table for region {region!r}: the cost estimate ships us-east-1 list prices only "
            f"(as of {AS_OF}), and scaling them by a single multiplier would misprice some services. "
            "Price the stack in us-east-1 for a comparison, or add a PriceTable for this region in "
            "secure_ecs/cost/prices.py."
        )


def price_table_for(region: str) -> PriceTable:
    """The table for `region`, or `UnsupportedRegionError`."""
    if region != SUPPORTED_REGION:
        raise UnsupportedRegionError(region)
    return US_EAST_1
