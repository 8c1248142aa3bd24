"""Key management and bucket exposure: KMS key rotation, S3 public access blocks, public bucket policies and ACLs."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy, ReportViolation, ResourceValidationArgs, Severity

from secure_ecs_facts import tokens
from secure_ecs_policies.metadata import resource_policy
from secure_ecs_policies.policy_documents import public_grants, read_document
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import MISSING, is_true, is_unknown, items, lookup, text

PUBLIC_ACCESS_FLAGS: Final = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _rotation_off(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.KMS_KEY:
        return
    spec = lookup(args.props, "customerMasterKeySpec")
    usage = lookup(args.props, "keyUsage")
    if is_unknown(spec) or is_unknown(usage):
        not_checked("customerMasterKeySpec" if is_unknown(spec) else "keyUsage")
        return
    # Only symmetric encryption keys can rotate automatically.
    if (text(spec) or "SYMMETRIC_DEFAULT") != "SYMMETRIC_DEFAULT" or (text(usage) or "ENCRYPT_DECRYPT") != (
        "ENCRYPT_DECRYPT"
    ):
        return
    rotation = lookup(args.props, "enableKeyRotation")
    if is_unknown(rotation):
        not_checked("enableKeyRotation")
    elif not is_true(rotation):
        report(f"enableKeyRotation is {'unset (false)' if rotation is MISSING else repr(rotation)}.", None)


kms_key_rotation = resource_policy(
    "kms-key-rotation",
    "Symmetric KMS keys must rotate automatically.",
    severity=Severity.MEDIUM,
    controls=("FSBP KMS.4", "CKV_AWS_7"),
    remediation="Set enableKeyRotation to true (optionally rotationPeriodInDays).",
    validate=_rotation_off,
    unset="enableKeyRotation defaults to false: flagged (asymmetric and HMAC keys cannot rotate and pass).",
)


def _incomplete_block(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.S3_PUBLIC_ACCESS_BLOCK:
        return
    values = {flag: lookup(args.props, flag) for flag in PUBLIC_ACCESS_FLAGS}
    for flag in (flag for flag, value in values.items() if is_unknown(value)):
        not_checked(flag)
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
    unset=(
        "each flag defaults to false on a declared block: flagged. A bucket with no block resource keeps S3's "
        "default for buckets created since April 2023, all four on, and is not flagged for it."
    ),
)

S3_ACTIONS: Final = ("s3:*",)
PUBLIC_CANNED_ACLS: Final = frozenset({"public-read", "public-read-write", "authenticated-read"})
PUBLIC_GRANTEES: Final = ("/global/AllUsers", "/global/AuthenticatedUsers")
BUCKET_DOCUMENT_TYPES: Final = (tokens.S3_BUCKET_POLICY, *tokens.S3_BUCKETS)
BUCKET_ACL_TYPES: Final = (*tokens.S3_BUCKET_ACLS, *tokens.S3_BUCKETS)


def _public_policy(args: ResourceValidationArgs, report: ReportViolation) -> None:
    document = read_document(lookup(args.props, "policy"))
    if document.unknown:
        not_checked("policy")
        return
    if document.error:
        report(f"{document.error}; the bucket's access cannot be verified.", None)
    for grant in public_grants(document, *S3_ACTIONS):
        report(
            f"policy statement {grant.index} allows everyone {', '.join(grant.actions)} with no condition that "
            "limits who (such as aws:SourceVpce, aws:SourceArn or aws:PrincipalOrgID).",
            None,
        )


def _public_acl(args: ResourceValidationArgs, report: ReportViolation) -> None:
    acl = lookup(args.props, "acl")
    if is_unknown(acl):
        not_checked("acl")
    elif (text(acl) or "") in PUBLIC_CANNED_ACLS:
        report(f"acl is {text(acl)}: every AWS user (or everyone) can read the bucket.", None)
    for grant in items(lookup(args.props, "accessControlPolicy", "grants")):
        uri = text(lookup(grant, "grantee", "uri")) or ""
        if uri.endswith(PUBLIC_GRANTEES):
            report(f"accessControlPolicy grants {text(lookup(grant, 'permission'))} to {uri}.", None)


def _public_bucket(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type in BUCKET_DOCUMENT_TYPES:
        _public_policy(args, report)
    if args.resource_type in BUCKET_ACL_TYPES:
        _public_acl(args, report)


s3_bucket_not_public = resource_policy(
    "s3-bucket-not-public",
    "S3 buckets must not be open to everyone through their bucket policy or ACL.",
    severity=Severity.HIGH,
    controls=("FSBP S3.2", "FSBP S3.3", "CKV_AWS_70", "CKV_AWS_20", "CKV_AWS_57"),
    remediation=(
        'Remove Principal "*" grants (or narrow them with aws:SourceVpce, aws:SourceArn for CloudFront, or '
        "aws:PrincipalOrgID) and public canned ACLs; serve public content through CloudFront with origin access "
        "control instead of a public bucket."
    ),
    validate=_public_bucket,
    unset="no policy and no ACL (private, the default): passes.",
)

POLICIES: list[Policy] = [kms_key_rotation, s3_public_access_block, s3_bucket_not_public]
