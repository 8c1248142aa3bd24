"""Check 10: the database is private, encrypted, in the data subnets, with an RDS-managed secret."""

from __future__ import annotations

from typing import Any

from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.checks.lookups import paginate
from secure_ecs.verify.model import CheckResult, Verdict, skipped

ID = "database"
TITLE = "RDS: not public, encrypted, in data subnets, managed master secret"
REMEDIATION = ("`aws rds modify-db-instance --no-publicly-accessible` (and `--manage-master-user-password` for a "
               "managed secret); storage encryption and the subnet group are fixed at creation, so restore an "
               "encrypted snapshot into the data subnets (PrivateDatabase does this) and switch over.")


def _find_instance(check: CheckInput, address: str) -> dict[str, Any] | None:
    for instance in paginate(check.aws.client("rds"), "describe_db_instances", "DBInstances"):
        if str((instance.get("Endpoint") or {}).get("Address", "")).lower() == address:
            return instance
    return None


def check_database(check: CheckInput) -> CheckResult:
    endpoint = check.outputs.database_endpoint
    if endpoint is None:
        return skipped(ID, TITLE, "the stack exports no databaseEndpoint (it has no database)")
    verdict = Verdict(ID, TITLE, REMEDIATION)
    address = endpoint.rsplit(":", 1)[0].lower() if endpoint.rsplit(":", 1)[-1].isdigit() else endpoint.lower()
    instance = _find_instance(check, address)
    if instance is None:
        verdict.fail(f"no DB instance in {check.aws.region} has the endpoint {address}")
        return verdict.result()
    name = instance["DBInstanceIdentifier"]
    verdict.check(not instance.get("PubliclyAccessible"), f"{name}: not publicly accessible",
                  f"{name}: PubliclyAccessible is true")
    verdict.check(bool(instance.get("StorageEncrypted")), f"{name}: storage encrypted",
                  f"{name}: storage is not encrypted")
    subnets = {s["SubnetIdentifier"] for s in (instance.get("DBSubnetGroup") or {}).get("Subnets", [])}
    outside = sorted(subnets - set(check.outputs.data_subnet_ids))
    verdict.check(bool(subnets) and not outside, f"{name}: subnet group within the data subnets",
                  f"{name}: subnet group reaches outside dataSubnetIds: {outside or 'no subnets listed'}")
    secret = (instance.get("MasterUserSecret") or {}).get("SecretArn")
    verdict.check(bool(secret), f"{name}: master password managed in Secrets Manager ({secret})",
                  f"{name}: master password is not managed by RDS in Secrets Manager")
    expected = check.outputs.database_secret_arn
    if secret and expected and secret != expected:
        verdict.warn(f"{name}: the managed secret {secret} is not the stack's databaseSecretArn {expected}")
    return verdict.result()


CHECK = Check(ID, TITLE, check_database)
