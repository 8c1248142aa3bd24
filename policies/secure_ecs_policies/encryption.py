"""Key management and bucket exposure: KMS key rotation, S3 public access blocks."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy, ReportViolation, ResourceValidationArgs, Severity, StackValidationArgs

from secure_ecs_policies import tokens
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.properties import MISSING, is_true, is_unknown, lookup, text

PUBLIC_ACCESS_FLAGS: Final = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _rotation_off(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.KMS_KEY:
        return
    spec = lookup(args.props, "customerMasterKeySpec")
    usage = lookup(args.props, "keyUsage")
    if is_unknown(spec) or is_unknown(usage):
        return
    # Only symmetric encryption keys can rotate automatically.
    if (text(spec) or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or (text(usage) or "ENCRYPT_DECRYPT") != (
        "ENCRYPT_DECRYPT"
    ):
        return
    rotation = lookup(args.props, "enableKeyRotation")
    if not is_unknown(rotation) and not is_true(rotation):
        report(f"enableKeyRotation is {'unset (false)' if rotation is MISSING else repr(rotation)}.", None)


kms_key_rotation = resource_policy(
    "kms-key-rotation",
    "Symmetric KMS keys must rotate automatically.",
    severity=Severity.MEDIUM,
    controls=("FSBP KMS.4", "CKV_AWS_7"),
    remediation="Set enableKeyRotation to true (optionally rotationPeriodInDays).",
    validate=_rotation_off,
)


def _incomplete_block(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.S3_PUBLIC_ACCESS_BLOCK:
        return
    values = {flag: lookup(args.props, flag) for flag in PUBLIC_ACCESS_FLAGS}
    off = [flag for flag, value in values.items() if not is_true(value) and not is_unknown(value)]
    if off:
        report(f"public access block leaves these off: {', '.join(off)}.", None)


s3_public_access_block = resource_policy(
    "s3-public-access-block",
    "S3 public access blocks must turn on all four settings.",
    severity=Severity.HIGH,
    controls=("FSBP S3.8", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"),
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    validate=_incomplete_block,
)


def _buckets_without_block(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    for bucket in view.of_type(*tokens.S3_BUCKETS):
        if not view.referrers(bucket, "bucket", tokens.S3_PUBLIC_ACCESS_BLOCK):
            report(f"bucket {bucket.name} has no aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock.", bucket.urn)


s3_bucket_has_public_access_block = stack_policy(
    "s3-bucket-has-public-access-block",
    "Every S3 bucket in the stack must have a public access block.",
    severity=Severity.HIGH,
    controls=("FSBP S3.8", "CKV2_AWS_6"),
    remediation="Add an aws.s3.BucketPublicAccessBlock with bucket=<the bucket's id output> and all four flags true.",
    validate=_buckets_without_block,
)

POLICIES: list[Policy] = [kms_key_rotation, s3_public_access_block, s3_bucket_has_public_access_block]
