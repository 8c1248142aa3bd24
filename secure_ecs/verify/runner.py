"""Run the checks: one failing API call spoils only its check, a credentials problem stops the run."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from secure_ecs.verify.aws import AwsUnavailableError, error_code, explain_unavailable, is_fatal
from secure_ecs.verify.checks import CHECKS, Check, CheckInput
from secure_ecs.verify.model import CheckResult, Status

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INCOMPLETE = 2


@dataclass(frozen=True)
class VerifyRun:
    account: str
    region: str
    results: tuple[CheckResult, ...]

    @property
    def exit_code(self) -> int:
        """1 when a check failed (the stack is known to be wrong); else 2 when a check could not finish."""
        statuses = {result.status for result in self.results}
        if Status.FAIL in statuses:
            return EXIT_FAIL
        return EXIT_INCOMPLETE if Status.ERROR in statuses else EXIT_OK


def _errored(check: Check, error: Exception) -> CheckResult:
    if isinstance(error, ClientError):
        operation = error.operation_name
        message = error.response.get("Error", {}).get("Message", "")
        line = f"{operation} was refused: {error_code(error)}: {message}"
        fix = f"Allow {operation} for these credentials (read-only access such as the SecurityAudit policy)."
    else:
        line = f"the check stopped: {type(error).__name__}: {error}"
        fix = "Rerun with --debug for the traceback; report it if the stack's resources look normal."
    return CheckResult(check.id, check.title, Status.ERROR, (line,), fix)


def run_check(check: Check, check_input: CheckInput, debug: bool = False) -> CheckResult:
    try:
        return check.run(check_input)
    except Exception as error:
        if is_fatal(error):
            raise AwsUnavailableError(explain_unavailable(error, check_input.aws.endpoint_url)) from error
        if debug:
            traceback.print_exception(error, file=sys.stderr)
        return _errored(check, error)


def verify(check_input: CheckInput, skip: Collection[str] = (), checks: Sequence[Check] = CHECKS,
           debug: bool = False) -> VerifyRun:
    """Prove the credentials work once (STS), then run every check not skipped, in order."""
    try:
        account = check_input.aws.account_id()
    except (BotoCoreError, ClientError) as error:
        raise AwsUnavailableError(explain_unavailable(error, check_input.aws.endpoint_url)) from error
    results = []
    for check in checks:
        if check.id in skip:
            results.append(CheckResult(check.id, check.title, Status.SKIPPED, ("skipped with --skip",), ""))
        else:
            results.append(run_check(check, check_input, debug))
    return VerifyRun(account=account, region=check_input.aws.region, results=tuple(results))
