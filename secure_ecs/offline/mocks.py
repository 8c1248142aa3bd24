"""The answers the mock engine gives a program: resource state and data-source results.

What a real deployment would compute but the harness cannot model is *unknown*, never ``None``
and never the program's own inputs echoed into an output of another type:

- custom resources: their inputs (as the provider's state holds them) plus the attributes
  `attributes.py` models; in a preview only the inputs, as `pulumi preview` of a new stack sees them;
- components built remotely (all of awsx, eks, aws-apigateway ...): only what is modelled (an awsx
  image URI); their inputs are not their outputs (``natGateways`` in is a strategy, out a list of
  gateways);
- in a full run, every other output the SDK class declares gets the engine's unknown sentinel, so
  the program's ``apply`` callbacks on it are skipped exactly as they are for unknowns in a preview.

Data sources the emulated account cannot answer get a marked placeholder of the declared shape
(recorded, and listed in every report) unless the run is strict.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pulumi

from secure_ecs.offline.account import NoMatchingResourceError
from secure_ecs.offline.attributes import AccountContext, computed_attributes
from secure_ecs.offline.declared_outputs import DeclaredOutputs, unknown_fillers
from secure_ecs.offline.graph import UNKNOWN, PlaceholderAnswer
from secure_ecs.offline.invoke_types import coerce_result, placeholder_result
from secure_ecs.offline.invokes import InvokeResponder, UnansweredInvokeError

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"


class OfflineMocks(pulumi.runtime.Mocks):
    """Computed attributes for resources, the responder for invokes."""

    def __init__(
        self,
        responder: InvokeResponder,
        account: AccountContext,
        preview: bool = False,
        *,
        strict_invokes: bool = False,
        declared: DeclaredOutputs | None = None,
        stack_reference_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.responder = responder
        self.account = account
        self.preview = preview
        self.strict_invokes = strict_invokes
        self.declared = declared or DeclaredOutputs()
        self.stack_reference_outputs = stack_reference_outputs or {}
        self.placeholders: list[PlaceholderAnswer] = []
        self._placeholders_lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ == STACK_REFERENCE_TYPE:
            return args.resource_id, self._stack_reference(args.resource_id or args.name)
        if args.resource_id:  # a read (`.get`) of an existing resource: only its id is known here
            resource_id, state = args.resource_id, dict(args.inputs)
        elif not args.custom:
            resource_id, state = None, self._component_state(args)
        elif self.preview:
            # As in `pulumi preview` of a new stack: ids and computed attributes are not known yet.
            return None, dict(args.inputs)
        else:
            has_arn = "arn" in self.declared.of(args.typ)
            resource_id, state = computed_attributes(args.typ, args.name, args.inputs, self.account, has_arn)
        if not self.preview:
            state.update(unknown_fillers(self.declared.of(args.typ), state, UNKNOWN))
        return resource_id, state

    def _stack_reference(self, stack: str) -> dict[str, Any]:
        """Another stack's outputs: those the user supplied for it, else unknown (never an empty dict:
        `require_output` would then fail on a valid program)."""
        outputs = self.stack_reference_outputs.get(stack)
        return {"name": stack, "outputs": dict(outputs) if outputs is not None else UNKNOWN, "secretOutputNames": []}

    def _component_state(self, args: pulumi.runtime.MockResourceArgs) -> dict[str, Any]:
        if self.preview:
            return {}
        _, modelled = computed_attributes(args.typ, args.name, args.inputs, self.account)
        return {k: v for k, v in modelled.items() if k not in args.inputs}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        # A bare dict is the mock monitor's "no check failures" form.
        try:
            answer = self.responder.answer(args.token, args.args)
        except (UnansweredInvokeError, NoMatchingResourceError) as error:
            if self.strict_invokes:
                raise
            with self._placeholders_lock:
                self.placeholders.append(PlaceholderAnswer(token=args.token, reason=_reason(error)))
            return placeholder_result(args.token, args.args)
        return coerce_result(args.token, answer)


def _reason(error: UnansweredInvokeError | NoMatchingResourceError) -> str:
    if isinstance(error, NoMatchingResourceError):
        return f"{error.detail} in the emulated account"
    return "the emulated account does not emulate this data source"
