"""Check 6: the image repository scans on push, has immutable tags and is KMS-encrypted."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from secure_ecs.verify.aws import error_code
from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.model import CheckResult, Verdict

ID = "ecr"
TITLE = "ECR repository: scan on push, immutable tags, KMS encryption"
REMEDIATION = ("Turn scanning on (`aws ecr put-image-scanning-configuration --repository-name NAME "
               "--image-scanning-configuration scanOnPush=true`, or a registry scanning rule covering the "
               "repository) and tag immutability (`aws ecr put-image-tag-mutability --image-tag-mutability "
               "IMMUTABLE`). Encryption is fixed at creation: a repository without KMS must be recreated "
               "(SecureFargateService creates it with KMS).")
_SCANNING_FREQUENCIES = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})


def parse_repository_url(url: str) -> tuple[str, str]:
    """`<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag|@digest]` -> (registry id, repository name)."""
    host, _, path = url.removeprefix("https://").partition("/")
    name = path.split("@", 1)[0]
    if ":" in name:
        name = name.rsplit(":", 1)[0]
    return host.split(".", 1)[0], name


def _registry_rule_covers(ecr: Any, name: str) -> str | None:
    """The registry scanning rule that scans `name` on push or continuously, described; None if no rule does."""
    configuration = ecr.get_registry_scanning_configuration().get("scanningConfiguration", {})
    for rule in configuration.get("rules", []):
        if rule.get("scanFrequency") not in _SCANNING_FREQUENCIES:
            continue
        for repository_filter in rule.get("repositoryFilters", []):
            pattern = str(repository_filter.get("filter", ""))
            if repository_filter.get("filterType", "WILDCARD") == "WILDCARD" and fnmatchcase(name, pattern):
                return f"{configuration.get('scanType', '')} registry rule {rule['scanFrequency']} '{pattern}'"
    return None


def check_ecr(check: CheckInput) -> CheckResult:
    verdict = Verdict(ID, TITLE, REMEDIATION)
    registry, name = parse_repository_url(check.outputs.repository_url)
    ecr = check.aws.client("ecr")
    try:
        repository = ecr.describe_repositories(registryId=registry, repositoryNames=[name])["repositories"][0]
    except ClientError as error:
        if error_code(error) != "RepositoryNotFoundException":
            raise
        verdict.fail(f"repository {name} does not exist in registry {registry}")
        return verdict.result()
    if (repository.get("imageScanningConfiguration") or {}).get("scanOnPush"):
        verdict.ok(f"{name}: scan on push")
    else:
        rule = _registry_rule_covers(ecr, name)
        verdict.check(rule is not None, f"{name}: scanned by the {rule}",
                      f"{name}: images are never scanned (scanOnPush off, no registry scanning rule covers it)")
    mutability = str(repository.get("imageTagMutability", "MUTABLE"))
    verdict.check(mutability.startswith("IMMUTABLE"), f"{name}: tags {mutability}",
                  f"{name}: tags are {mutability}; a pushed tag can be overwritten")
    encryption = (repository.get("encryptionConfiguration") or {}).get("encryptionType", "AES256")
    verdict.check(str(encryption).startswith("KMS"), f"{name}: encrypted with {encryption}",
                  f"{name}: encrypted with {encryption}, not a KMS key")
    return verdict.result()


CHECK = Check(ID, TITLE, check_ecr)
