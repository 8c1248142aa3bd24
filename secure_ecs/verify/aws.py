"""The boto3 session the checks share, and which AWS errors end the whole run (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    UnauthorizedSSOTokenError,
)

if TYPE_CHECKING:
    import boto3

DEFAULT_CALL_SECONDS = 10.0


def client_config(call_seconds: float = DEFAULT_CALL_SECONDS) -> Config:
    """One retry and a time limit per attempt: an endpoint that never answers is reported in seconds."""
    return Config(retries={"total_max_attempts": 2, "mode": "standard"}, connect_timeout=call_seconds,
                  read_timeout=call_seconds)

# Error codes meaning "these credentials are not accepted", whichever service answers first.
_REJECTED_CREDENTIALS = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
    "AuthFailure", "SignatureDoesNotMatch", "InvalidSignatureException", "RequestExpired",
    "InvalidAccessKeyId",
})

_SET_CREDENTIALS = ("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary "
                    "credentials), or AWS_PROFILE / --profile naming a profile in ~/.aws/config "
                    "(run `aws sso login --profile NAME` first for an SSO profile)")


class AwsUnavailableError(Exception):
    """AWS cannot be asked at all (credentials, region, endpoint); the message is the paragraph to print."""


@dataclass
class AwsContext:
    session: boto3.Session
    region: str
    endpoint_url: str | None = None
    call_seconds: float = DEFAULT_CALL_SECONDS
    """Time limit of each attempt of each AWS call."""
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A cached client. Typed `Any`: the dev extras ship stubs for only a few of the services used."""
        if service not in self._clients:
            # The stubs' overloads want a literal service name; the names here are plain strings.
            make: Callable[..., Any] = self.session.client
            self._clients[service] = make(
                service, region_name=self.region, endpoint_url=self.endpoint_url,
                config=client_config(self.call_seconds))
        return self._clients[service]

    def account_id(self) -> str:
        """The caller's account: proves the credentials work before any check runs."""
        identity = self.client("sts").get_caller_identity()
        return str(identity["Account"])


def connect(region: str | None, profile: str | None, endpoint_url: str | None,
            fallback_region: str | None = None, call_seconds: float = DEFAULT_CALL_SECONDS) -> AwsContext:
    """The session for the given profile and region; `fallback_region` (from the outputs) fills a gap."""
    import boto3  # here, not at import: every command builds the verify parser, only verify needs boto3

    try:
        session = boto3.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise AwsUnavailableError(explain_unavailable(error, endpoint_url)) from None
    chosen = region or session.region_name or fallback_region
    if not chosen:
        raise AwsUnavailableError(explain_unavailable(NoRegionError(), endpoint_url))
    return AwsContext(session=session, region=chosen, endpoint_url=endpoint_url, call_seconds=call_seconds)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_fatal(error: Exception) -> bool:
    """True for errors every other check would hit too: stop and explain once instead of N times."""
    if isinstance(error, ClientError):
        return error_code(error) in _REJECTED_CREDENTIALS
    return isinstance(error, NoCredentialsError | PartialCredentialsError | CredentialRetrievalError | NoRegionError
                      | ProfileNotFound | EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError
                      | SSOTokenLoadError
                      | UnauthorizedSSOTokenError)


def _credentials_rejected(error: Exception, endpoint_url: str | None) -> str:
    assert isinstance(error, ClientError)
    message = error.response.get("Error", {}).get("Message", "")
    return f"AWS rejected the credentials ({error_code(error)}: {message}). Refresh them: {_SET_CREDENTIALS}."


def _unreachable(error: Exception, endpoint_url: str | None) -> str:
    where = f"the endpoint {endpoint_url}" if endpoint_url else "AWS"
    also = " / --endpoint-url" if endpoint_url else ""
    return f"Cannot reach {where}: {error}. Check the network, proxy settings and --region{also}."


# First match wins; each entry turns an error into the paragraph printed before exit status 2.
_EXPLANATIONS: tuple[tuple[type[Exception] | tuple[type[Exception], ...], Callable[[Exception, str | None], str]],
                     ...] = (
    (NoCredentialsError,
     lambda e, _: f"No AWS credentials were found. To verify a deployed stack, {_SET_CREDENTIALS}."),
    ((PartialCredentialsError, CredentialRetrievalError),
     lambda e, _: f"The AWS credentials are incomplete or could not be loaded ({e}). {_SET_CREDENTIALS.capitalize()}."),
    ((SSOTokenLoadError, UnauthorizedSSOTokenError),
     lambda e, _: f"The AWS SSO session has expired or was never started ({e}). Run `aws sso login` and try again."),
    (ProfileNotFound,
     lambda e, _: f"{e}. Check --profile / AWS_PROFILE against `aws configure list-profiles`."),
    (NoRegionError,
     lambda e, _: "No AWS region is set. Pass --region (the stack's `pulumi config get aws:region`) or set "
     "AWS_REGION."),
    ((EndpointConnectionError, ConnectTimeoutError), _unreachable),
    (ReadTimeoutError, lambda e, url: f"{url or 'AWS'} accepted the connection but did not answer in time ({e}). "
     "Check --endpoint-url, or raise --timeout for a slow network."),
    (ClientError, _credentials_rejected),
    (BotoCoreError, lambda e, _: f"The AWS SDK could not make a request: {e}."),
)


def explain_unavailable(error: Exception, endpoint_url: str | None) -> str:
    """One paragraph for an error `is_fatal` accepts (or any other SDK error met before the checks)."""
    for kinds, explain in _EXPLANATIONS:
        if isinstance(error, kinds):
            return explain(error, endpoint_url)
    return f"{type(error).__name__}: {error}"
