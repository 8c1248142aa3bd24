"""moto's in-process AWS, switched on for one offline run and off again afterwards.

While it is on, boto3 calls made in this process are served by moto, the process environment
carries only fake credentials, and every variable that could send a request elsewhere (profiles,
custom endpoints, config files) is hidden. When it is switched off the environment is restored
exactly, so the user's own AWS settings are never used and never changed.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3

# Credentials moto accepts; no real account has them.
_FAKE_CREDENTIALS = {"aws_access_key_id": "OFFLINEPLANACCESSKEY", "aws_secret_access_key": "offline-plan-secret"}

# Variables that would make botocore read a profile, a credentials file or a custom endpoint.
_REDIRECTING_PREFIXES = ("AWS_",)


@functools.cache
def bundled_botocore_data(name: str) -> Any:
    """Botocore's bundled data (e.g. ``endpoints``), parsed once per process."""
    from botocore.loaders import create_loader

    return create_loader().load_data(name)


def isolated_environment(region: str) -> dict[str, str]:
    """The process environment with AWS settings replaced by fake, local-only ones."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(_REDIRECTING_PREFIXES)}
    environment.update(
        {
            "AWS_ACCESS_KEY_ID": _FAKE_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": _FAKE_CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            # Point the shared files at nothing so no profile of the user's is ever read.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    return environment


@contextmanager
def _replaced_environment(environment: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _botocore_files_read_once() -> Iterator[None]:
    """Parse each of botocore's bundled JSON files once while the emulation is starting.

    moto and boto3 each make their own botocore sessions, and every session parses the large EC2
    service model and endpoint table again (about 13 MB of objects and 40 ms each time). The
    parsed data is only read, never changed, so one shared copy serves every session.
    """
    from botocore import loaders

    original = loaders.JSONFileLoader.load_file
    parsed: dict[str, Any] = {}

    def load_file_once(loader: loaders.JSONFileLoader, file_path: str) -> Any:
        if file_path not in parsed:
            parsed[file_path] = original(loader, file_path)
        return parsed[file_path]

    loaders.JSONFileLoader.load_file = load_file_once  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        loaders.JSONFileLoader.load_file = original  # type: ignore[method-assign]


_ACTIVE: list[EmulatedAws] = []
"""The emulations switched on in this process, innermost last (a program's own boto3 calls go to it)."""


def _moto_models() -> Any:
    """moto's request machinery, or None while moto is not imported (importing it costs a tenth of a second)."""
    return sys.modules.get("moto.core.models")


def _motos_own_hook(moto_models: Any) -> tuple[str, Any]:
    """The hook moto appends to botocore's list for new sessions when it is imported."""
    return ("before-send", moto_models.botocore_stubber)


def _moto_hook(request: Any, **kwargs: Any) -> Any:
    """botocore's ``before-send`` hook, in every session: moto answers while an emulation is on.

    It stands in for the hook moto registers when imported, so a session made before that (a
    program's own boto3 client, made before the first AWS call started moto) is served too.
    """
    from botocore.handlers import BUILTIN_HANDLERS

    active = _ACTIVE[-1:]
    if active:
        active[0].start_moto()
    moto_models = _moto_models()
    if moto_models is None or (not active and _motos_own_hook(moto_models) in BUILTIN_HANDLERS):
        return None  # no emulation on, and moto imported since: its own hook serves, as moto intends
    return moto_models.botocore_stubber(request=request, **kwargs)


_HOOK = ("before-send", _moto_hook)


def _hook_new_sessions() -> None:
    """Exactly one moto hook for the sessions made from now on: ours (a second would serve each request twice)."""
    from botocore.handlers import BUILTIN_HANDLERS

    moto_models = _moto_models()
    if moto_models is not None:
        with contextlib.suppress(ValueError):
            BUILTIN_HANDLERS.remove(_motos_own_hook(moto_models))
    if _HOOK not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append(_HOOK)


@contextmanager
def _requests_served_by_moto(aws: EmulatedAws) -> Iterator[None]:
    """Every boto3 request made in this process while ``aws`` is on is answered by moto.

    moto starts at the first request (at once when an earlier run imported it). boto3's default
    session is a fresh one for the run, as under moto itself, and the one from before afterwards.
    """
    boto3: Any = sys.modules.get("boto3")
    saved_default_session = getattr(boto3, "DEFAULT_SESSION", None)
    if boto3 is not None:
        boto3.DEFAULT_SESSION = None
    _hook_new_sessions()
    _ACTIVE.append(aws)
    try:
        if _moto_models() is not None:
            aws.start_moto()
        yield
    finally:
        _ACTIVE.remove(aws)
        if _ACTIVE and _moto_models() is not None:
            _ACTIVE[-1].start_moto()  # an inner emulation's end switched moto off for the outer one too
        boto3 = sys.modules.get("boto3")  # a program may have imported it meanwhile
        if boto3 is not None:
            boto3.DEFAULT_SESSION = saved_default_session


class EmulatedAws:
    """One moto account in one home region, usable as a context manager or started per call.

    Data persists from the first activation to `close()`, so a run sees one consistent account
    (the same default VPC id in every invoke) however often it switches the emulation on.
    """

    def __init__(self, region: str) -> None:
        self.region = region
        self._mock: Any = None
        self._moto_running = False
        self._session: boto3.Session | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        self._depth = 0
        self._environment_guard: ExitStack | None = None
        # The engine answers invokes on executor threads; activation counting and client creation
        # (boto3 sessions are not thread-safe) happen under this lock.
        self._lock = threading.RLock()

    def __enter__(self) -> EmulatedAws:
        self.activate()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.deactivate()

    def activate(self) -> None:
        """Switch moto on (nested calls are counted) with the isolated environment in place."""
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._switch_on()

    def _switch_on(self) -> None:
        self._environment_guard = ExitStack()
        self._environment_guard.enter_context(_replaced_environment(isolated_environment(self.region)))
        self._environment_guard.enter_context(_botocore_files_read_once())
        self._environment_guard.enter_context(_requests_served_by_moto(self))

    def start_moto(self) -> None:
        """Start moto for the current activation, if it is not running yet.

        Importing and starting moto takes a tenth of a second, so it waits for the first AWS call:
        a program whose data sources need no AWS API (or that has none) never pays for it.
        """
        with self._lock:
            if self._depth == 0 or self._moto_running:
                return
            importlib.import_module("moto.core.models")  # appends moto's own hook, which ours replaces at once
            _hook_new_sessions()
            from moto import mock_aws

            first_start = self._mock is None
            if first_start:
                self._mock = mock_aws()
            self._mock.start(reset=first_start)
            self._moto_running = True

    def deactivate(self) -> None:
        with self._lock:
            if self._depth == 0:
                raise RuntimeError("deactivate() without a matching activate()")
            self._depth -= 1
            if self._depth > 0:
                return
            if self._moto_running:
                # Keep the account's data: the emulation may be switched on again within the same run.
                self._mock.stop(remove_data=False)
                self._moto_running = False
            if self._environment_guard is not None:
                self._environment_guard.close()
                self._environment_guard = None

    @property
    def is_active(self) -> bool:
        return self._depth > 0

    @contextmanager
    def active(self) -> Iterator[EmulatedAws]:
        self.activate()
        try:
            yield self
        finally:
            self.deactivate()

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client bound to the emulated account (call while active)."""
        region = region or self.region
        key = (service, region)
        with self._lock:
            self.start_moto()  # before the session exists, so moto's request hook is in it
            if key not in self._clients:
                self._clients[key] = self._boto3_session().client(service, region_name=region)  # type: ignore[call-overload]
            return self._clients[key]

    def _boto3_session(self) -> boto3.Session:
        if self._session is None:
            import boto3

            self._session = boto3.Session(
                aws_access_key_id=_FAKE_CREDENTIALS["aws_access_key_id"],
                aws_secret_access_key=_FAKE_CREDENTIALS["aws_secret_access_key"],
                region_name=self.region,
            )
        return self._session

    def botocore_data(self, name: str) -> Any:
        """Botocore's bundled data (e.g. ``endpoints``). Read without the account's boto3 session: a
        session made before moto is switched on would never route its clients to moto."""
        return bundled_botocore_data(name)

    def close(self) -> None:
        """Forget the account's clients, and its data from the next activation on, once every activation has
        ended (else do nothing)."""
        with self._lock:
            if self._depth > 0:
                return
            # The data goes at the next activation (a new mock starts with a reset), not now: resetting
            # rebuilds every backend, which the last run of a command would pay for on its way out.
            self._mock = None
            self._clients.clear()
            self._session = None
