"""Check 1: the ALB's health URL answers 2xx (the source document's `curl .../api/health`)."""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlparse

from secure_ecs.verify.checks.base import Check, CheckInput
from secure_ecs.verify.model import CheckResult, Verdict

ID = "health"
TITLE = "ALB health URL answers 2xx"
REMEDIATION = ("Look at the target group's health in the EC2 console (or `aws elbv2 describe-target-health`), the "
               "service's events (`aws ecs describe-services`) and the task logs; check the ALB security group lets "
               "you in on 443, and that the listener has a certificate. An http:// URL means the stack set "
               "alb.allowHttpOnly: give it a certificate_arn so traffic is encrypted.")
_USER_AGENT = "secure-ecs-verify"


def _tls_context(check: CheckInput) -> ssl.SSLContext:
    # Always verify: a health check that accepts any certificate would pass for an impostor.
    context = ssl.create_default_context()
    if check.ca_bundle is not None:
        context.load_verify_locations(cafile=str(check.ca_bundle))
    return context


def check_health(check: CheckInput) -> CheckResult:
    verdict = Verdict(ID, TITLE, REMEDIATION)
    url = check.outputs.health_check_url
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        # urllib would also open file:// and ftp:// URLs; an output is not trusted that far.
        verdict.fail(f"{url} is not an http(s) URL")
        return verdict.result()
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=check.http_timeout, context=_tls_context(check)) as response:
            status = int(response.status)
            final_url = str(response.geturl())
    except urllib.error.HTTPError as error:
        verdict.fail(f"GET {url} answered HTTP {error.code} {error.reason}")
        return verdict.result()
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            verdict.fail(f"GET {url}: the TLS certificate did not verify ({reason.verify_message})")
        elif isinstance(reason, TimeoutError | socket.timeout):
            verdict.fail(f"GET {url}: no answer within {check.http_timeout:g} s")
        else:
            verdict.fail(f"GET {url} failed: {reason}")
        return verdict.result()
    except TimeoutError:
        # A timeout while reading the body is raised bare, not wrapped in URLError.
        verdict.fail(f"GET {url}: no complete answer within {check.http_timeout:g} s")
        return verdict.result()
    except (OSError, ValueError) as error:
        verdict.fail(f"GET {url} failed: {error}")
        return verdict.result()
    verdict.check(200 <= status < 300, f"GET {url} answered HTTP {status}", f"GET {url} answered HTTP {status}")
    if final_url != url:
        verdict.ok(f"redirected to {final_url}")
    if urlparse(final_url).scheme.lower() == "http":
        verdict.warn(f"{final_url} is plain HTTP: traffic between clients and the ALB is not encrypted")
    return verdict.result()


CHECK = Check(ID, TITLE, check_health)
