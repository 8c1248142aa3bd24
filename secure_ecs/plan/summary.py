"""The readable summary: resources by component with their key settings, then violations by severity."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from secure_ecs.analyzer import Diagnostic
from secure_ecs.offline.account import DEFAULT_REGION
from secure_ecs.plan.graph_views import component_label, resource_label, resources_by_component
from secure_ecs.plan.key_settings import key_settings
from secure_ecs.plan.model import PlanResult, severity_rank
from secure_ecs.plan.visibility import opaque_components
from secure_ecs.tfplan.report import summary_section

_SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "": "white"}
_ENFORCEMENT_STYLES = {"mandatory": "bold red", "remediate": "bold red", "advisory": "yellow"}


def _header(result: PlanResult) -> Text:
    graph = result.graph
    custom = sum(1 for r in graph if r.is_infrastructure)
    packs = ", ".join(f"{p.info.name} {p.info.version}" for p in result.packs) or "none"
    return Text.assemble(
        ("secure-ecs plan", "bold"),
        f"  project {graph.project}, stack {graph.stack}\n",
        f"program {result.program_dir}\n",
        f"{custom} cloud resources in {len(graph)} registrations; policy packs: {packs}\n",
        f"policy config: {_configs(result)}",
        _region_note(result),
    )


def _region_note(result: PlanResult) -> str:
    if not result.region_unset:
        return ""
    return (f"\nregion: {DEFAULT_REGION} assumed (the stack sets no aws:region; a deploy would use AWS_REGION or the "
            "profile's region: set aws:region in the stack file to plan what will be deployed)")


def _configs(result: PlanResult) -> str:
    return "; ".join(
        f"{pack.info.name}: {result.relative_path(pack.config_file) if pack.config_file else 'the pack defaults'}"
        for pack in result.packs
    ) or "none"


def _not_visible(result: PlanResult) -> Iterator[RenderableType]:
    """The components whose children the plan could not see, and the data sources it made up."""
    components = opaque_components(result)
    placeholders = result.graph.placeholder_answers
    if not components and not placeholders:
        return
    yield Rule("not visible offline")
    for component in components:
        location = result.locations.get(component.urn)
        where = f" at {result.relative_path(location.path)}:{location.line}" if location else ""
        yield Text.assemble((f"{component.name} ({component.type})", "bold"), f"{where}: remote component, ",
                            component.unchecked, ".")
    for answer in placeholders:
        yield Text.assemble((answer.token, "bold"), f": {answer.reason}; answered with a marked placeholder "
                            "(values built from it are not real). Use --strict to stop instead.")


def _component_tables(result: PlanResult) -> Iterator[RenderableType]:
    index = {r.urn: r for r in result.graph}
    for component_urn, resources in resources_by_component(result.graph).items():
        if not resources:
            continue
        table = Table(title=component_label(index.get(component_urn)), title_justify="left", expand=False)
        table.add_column("type")
        table.add_column("count", justify="right")
        table.add_column("key settings")
        counts = Counter(r.type for r in resources)
        for type_token, count in sorted(counts.items()):
            of_type = [r for r in resources if r.type == type_token]
            settings = []
            for resource in of_type:
                shown = ", ".join(f"{label}: {value}" for label, value in key_settings(resource))
                if shown:
                    settings.append(f"{resource.name}: {shown}" if len(of_type) > 1 else shown)
            table.add_row(type_token, str(count), "\n".join(settings))
        yield table


def _violation(diagnostic: Diagnostic, result: PlanResult) -> Text:
    index = {r.urn: r for r in result.graph}
    location = result.locations.get(diagnostic.urn)
    where = f" at {result.relative_path(location.path)}:{location.line}" if location else ""
    text = Text.assemble(
        (f"[{diagnostic.enforcement_level}] ", _ENFORCEMENT_STYLES.get(diagnostic.enforcement_level, "")),
        (diagnostic.policy_name, "bold"),
        f"  {resource_label(diagnostic.urn, index)}{where}\n",
    )
    for line in (diagnostic.message.strip() or diagnostic.description).splitlines():
        text.append(f"    {line}\n")
    if diagnostic.controls:
        text.append(f"    controls: {', '.join(diagnostic.controls)}\n")
    if diagnostic.remediation:
        text.append("    fix: ", style="green")
        text.append(diagnostic.remediation.strip() + "\n")
    return text


def _violations(result: PlanResult) -> Iterator[RenderableType]:
    diagnostics = sorted(result.diagnostics, key=lambda d: (severity_rank(d.severity), not d.is_mandatory,
                                                            d.policy_name, d.urn))
    if not diagnostics:
        yield Text("No policy violations.", style="green")
        return
    current = None
    for diagnostic in diagnostics:
        if diagnostic.severity != current:
            current = diagnostic.severity
            count = sum(1 for d in diagnostics if d.severity == current)
            yield Text(f"{(current or 'unrated').upper()} ({count})", style=_SEVERITY_STYLES.get(current, ""))
        yield _violation(diagnostic, result)


def _verdict(result: PlanResult) -> Text:
    mandatory = len(result.mandatory_violations)
    advisory = len(result.diagnostics) - mandatory
    hidden = len(result.graph.opaque_components) + len(result.graph.placeholder_answers)
    caveat = f" {hidden} component(s) or data source(s) were not fully visible (see above)." if hidden else ""
    if mandatory:
        return Text(f"FAILED: {mandatory} mandatory violation(s), {advisory} advisory.{caveat}", style="bold red")
    if result.exit_code:
        failed = len(result.scanner.failed) if result.scanner else 0
        return Text(f"FAILED: {failed} scanner check(s) failed (--scanner-gate); no mandatory violation "
                    f"({advisory} advisory).{caveat}", style="bold red")
    return Text(f"PASSED: no mandatory violation ({advisory} advisory).{caveat}", style="bold green")


def _cost(result: PlanResult) -> Text:
    estimate = result.cost
    if estimate is None:
        return Text(result.cost_unavailable)
    designs = "; ".join(
        f"{design.title} ${design.total_monthly_usd:,.2f}"
        for design in estimate.comparison.designs
        if design.key != "declared"
    )
    return Text.assemble(
        (f"${estimate.total_monthly_usd:,.2f}/month", "bold"),
        f" as declared ({estimate.region}, list prices as of {estimate.price_table_as_of}).\n",
        f"Same workload: {designs}. Line items, assumptions and the source document's claims: cost.txt",
    )


def summary_renderable(result: PlanResult) -> RenderableType:
    return Group(
        _header(result),
        Rule("resources by component"),
        *_component_tables(result),
        *_not_visible(result),
        Rule("estimated monthly cost"),
        _cost(result),
        Rule("policy violations by severity"),
        *_violations(result),
        *summary_section(result),
        _verdict(result),
    )


def summary_text(result: PlanResult, width: int = 120) -> str:
    """The summary as plain text (no colour), as written to summary.txt."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, no_color=True, color_system=None, highlight=False,
            emoji=False).print(summary_renderable(result))
    return buffer.getvalue()
