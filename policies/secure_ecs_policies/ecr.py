"""ECR repositories: scanned, immutable tags, KMS encryption, lifecycle policy."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from secure_ecs_facts import tokens
from secure_ecs_policies.links import StackView
from secure_ecs_policies.metadata import resource_policy, stack_policy
from secure_ecs_policies.policy_documents import Document, public_grants, read_document
from secure_ecs_policies.preview_gaps import not_checked
from secure_ecs_policies.properties import MISSING, is_true, is_unknown, items, lookup, replace_in, text

SCANNING_FREQUENCIES = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})


def _registry_filters(view: StackView) -> list[str]:
    """Repository name filters covered by a registry scanning configuration that scans automatically."""
    filters: list[str] = []
    for configuration in view.of_type(tokens.ECR_REGISTRY_SCANNING):
        for rule in items(lookup(configuration.props, "rules")):
            if (text(lookup(rule, "scanFrequency")) or "").upper() not in SCANNING_FREQUENCIES:
                continue
            for repository_filter in items(lookup(rule, "repositoryFilters")):
                pattern = lookup(repository_filter, "filter")
                filters.append("*" if is_unknown(pattern) else text(pattern) or "")
    return [f for f in filters if f]


def _covered_by_registry(repository: PolicyResource, filters: list[str]) -> bool:
    name = text(lookup(repository.props, "name"))
    if name is None:
        # An auto-named repository can only be matched by a catch-all filter.
        return "*" in filters
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in filters)


def _unscanned_repositories(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    filters = _registry_filters(view)
    for repository in view.of_type(tokens.ECR_REPOSITORY):
        scan_on_push = lookup(repository.props, "imageScanningConfiguration", "scanOnPush")
        if is_unknown(scan_on_push):
            not_checked(f"{repository.name} imageScanningConfiguration.scanOnPush")
            continue
        if is_true(scan_on_push) or _covered_by_registry(repository, filters):
            continue
        report(
            f"repository {repository.name} is not scanned: imageScanningConfiguration.scanOnPush is not true "
            "and no registry scanning configuration rule (SCAN_ON_PUSH or CONTINUOUS_SCAN) matches it.",
            repository.urn,
        )


ecr_repository_scanned = stack_policy(
    "ecr-repository-scanned",
    "Every ECR repository must be scanned: scan on push, or a registry-level scanning rule that covers it.",
    severity=Severity.HIGH,
    controls=("FSBP ECR.1", "CKV_AWS_163"),
    remediation=(
        "Set imageScanningConfiguration.scanOnPush to true on the repository, or declare an "
        "aws.ecr.RegistryScanningConfiguration with a SCAN_ON_PUSH or CONTINUOUS_SCAN rule whose filter "
        "matches the repository name. Setting ecr-scan-on-push to remediate turns scan on push on automatically."
    ),
    validate=_unscanned_repositories,
    unset="scanOnPush defaults to false; without a registry scanning rule that matches, flagged.",
)


def _turn_on_scan_on_push(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    if args.resource_type != tokens.ECR_REPOSITORY:
        return None
    scanning = lookup(args.props, "imageScanningConfiguration")
    if is_unknown(scanning) or is_true(lookup(scanning, "scanOnPush")):
        return None
    if scanning is MISSING or scanning is None:
        args.props["imageScanningConfiguration"] = {"scanOnPush": True}  # type: ignore[index]
        return args.props
    return args.props if replace_in(args.props, ("imageScanningConfiguration", "scanOnPush"), True) else None


ecr_scan_on_push = resource_policy(
    "ecr-scan-on-push",
    "Remediation only: turn on scan on push for ECR repositories (ecr-repository-scanned does the check).",
    severity=Severity.HIGH,
    controls=("FSBP ECR.1", "CKV_AWS_163"),
    remediation='Set this policy to "remediate" in the policy config to have the pack turn scanOnPush on.',
    remediate=_turn_on_scan_on_push,
    unset="remediation only: an unset scanOnPush is turned on when the policy is set to remediate.",
    # Inert unless a stack opts in; registry-level scanning is an equally valid way to comply.
    enforcement=EnforcementLevel.ADVISORY,
)


def _mutable_tags(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECR_REPOSITORY:
        return
    mutability = lookup(args.props, "imageTagMutability")
    if is_unknown(mutability):
        not_checked("imageTagMutability")
    elif text(mutability) != "IMMUTABLE":
        shown = "unset (MUTABLE)" if mutability is MISSING else repr(mutability)
        report(f"imageTagMutability is {shown}: a pushed tag can be overwritten.", None)


ecr_immutable_tags = resource_policy(
    "ecr-immutable-tags",
    "ECR repositories must have immutable image tags.",
    severity=Severity.MEDIUM,
    controls=("FSBP ECR.2", "CKV_AWS_51"),
    remediation='Set imageTagMutability to "IMMUTABLE" and deploy by digest or a unique tag per build.',
    validate=_mutable_tags,
    unset="imageTagMutability defaults to MUTABLE: flagged.",
)


def _not_kms_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != tokens.ECR_REPOSITORY:
        return
    configurations = lookup(args.props, "encryptionConfigurations")
    kinds = [] if is_unknown(configurations) else [lookup(c, "encryptionType") for c in items(configurations)]
    if is_unknown(configurations) or any(is_unknown(k) for k in kinds):
        not_checked("encryptionConfigurations")
        return
    if not any((text(k) or "").upper() in {"KMS", "KMS_DSSE"} for k in kinds):
        report("encryptionConfigurations does not select KMS: images are encrypted with AES256 only.", None)


ecr_kms_encryption = resource_policy(
    "ecr-kms-encryption",
    "ECR repositories must encrypt images with KMS.",
    severity=Severity.LOW,
    controls=("CKV_AWS_136",),
    remediation='Set encryptionConfigurations to [{"encryptionType": "KMS", "kmsKey": <key ARN>}].',
    validate=_not_kms_encrypted,
    unset="encryptionConfigurations defaults to AES256 with an AWS-owned key: flagged.",
)


def _has_lifecycle(view: StackView, repository: PolicyResource, literal_names: set[str]) -> bool:
    if view.referrers(repository, "repository", tokens.ECR_LIFECYCLE_POLICY):
        return True
    # A repository name written literally in both places is known at preview time, unlike an ARN.
    name = text(lookup(repository.props, "name"))
    return name is not None and name in literal_names


def _literal_repository_names(view: StackView) -> set[str]:
    return {
        name
        for policy in view.of_type(tokens.ECR_LIFECYCLE_POLICY)
        if (name := text(lookup(policy.props, "repository"))) is not None
    }


def _repositories_without_lifecycle(args: StackValidationArgs, report: ReportViolation) -> None:
    view = StackView(args.resources)
    literal_names = _literal_repository_names(view)
    for repository in view.of_type(tokens.ECR_REPOSITORY):
        if not _has_lifecycle(view, repository, literal_names):
            report(f"repository {repository.name} has no lifecycle policy: old images pile up.", repository.urn)


ecr_lifecycle_policy = stack_policy(
    "ecr-lifecycle-policy",
    "Every ECR repository must have a lifecycle policy.",
    severity=Severity.LOW,
    controls=("FSBP ECR.3",),
    remediation=(
        "Add an aws.ecr.LifecyclePolicy with repository=<the repository's name output> that expires "
        "untagged images and keeps a bounded number of tagged ones."
    ),
    validate=_repositories_without_lifecycle,
    unset="a repository that no aws:ecr/lifecyclePolicy names keeps every image: flagged.",
)


ECR_ACTIONS = ("ecr:*",)
PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")
WRITE_ACTIONS = (
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:BatchDeleteImage",
    "ecr:DeleteRepository",
    "ecr:DeleteRepositoryPolicy",
    "ecr:SetRepositoryPolicy",
)


def _repository_document(args: ResourceValidationArgs, report: ReportViolation) -> Document | None:
    """The repository policy's document when it can be judged; gaps and unreadable JSON are reported."""
    if args.resource_type != tokens.ECR_REPOSITORY_POLICY:
        return None
    document = read_document(lookup(args.props, "policy"))
    if document.unknown:
        not_checked("policy")
        return None
    if document.error:
        report(f"{document.error}; the repository's access cannot be verified.", None)
        return None
    return document


def _public_repository(args: ResourceValidationArgs, report: ReportViolation) -> None:
    document = _repository_document(args, report)
    for grant in public_grants(document, *ECR_ACTIONS) if document else []:
        writes = [a for a in grant.actions if any(a.lower() in {w.lower(), "ecr:*", "*"} for w in WRITE_ACTIONS)]
        harm = "push, delete or replace the policy of" if writes else "pull images from"
        report(
            f"statement {grant.index} allows everyone ({', '.join(grant.actions)}) with no condition that limits "
            f"who: anyone on the internet can {harm} this repository.",
            None,
        )


ecr_repository_policy_not_public = resource_policy(
    "ecr-repository-policy-not-public",
    'ECR repository policies must not allow everyone (Principal "*" or NotPrincipal) without a restricting '
    "condition.",
    severity=Severity.CRITICAL,
    controls=("CKV_AWS_32",),
    remediation=(
        "Name the accounts or roles that need the repository as principals, or keep Principal \"*\" only with a "
        "condition such as aws:PrincipalOrgID or aws:SourceVpce; never grant push, delete or SetRepositoryPolicy "
        "to everyone."
    ),
    validate=_public_repository,
    unset="a repository without a policy is private to its account: passes.",
)


def _unconditioned_cross_account_pull(args: ResourceValidationArgs, report: ReportViolation) -> None:
    document = _repository_document(args, report)
    for index, statement in enumerate(document.statements if document else ()):
        if not statement.allows or statement.public or statement.restricted:
            continue
        outsiders = [p for p in statement.principals if p.isdigit() or ":root" in p or p.endswith(".amazonaws.com")]
        pulls = statement.grants(*PULL_ACTIONS)
        if outsiders and pulls:
            report(
                f"statement {index} lets {', '.join(outsiders)} pull ({', '.join(pulls)}) with no condition: every "
                "principal of those accounts (or any caller of those services) can read the images.",
                None,
            )


ecr_cross_account_pull_conditioned = resource_policy(
    "ecr-cross-account-pull-conditioned",
    "ECR repository policies that let other accounts or AWS services pull must narrow the grant with a condition.",
    severity=Severity.MEDIUM,
    controls=("secure-ecs ECR.5",),
    remediation=(
        "Add a condition naming who may pull: aws:PrincipalOrgID (or aws:PrincipalArn) for account principals, "
        "aws:SourceAccount / aws:SourceArn for service principals such as lambda.amazonaws.com."
    ),
    validate=_unconditioned_cross_account_pull,
    unset="a repository without a policy is not shared: passes.",
)

POLICIES: list[Policy] = [
    ecr_repository_scanned,
    ecr_scan_on_push,
    ecr_immutable_tags,
    ecr_kms_encryption,
    ecr_lifecycle_policy,
    ecr_repository_policy_not_public,
    ecr_cross_account_pull_conditioned,
]
