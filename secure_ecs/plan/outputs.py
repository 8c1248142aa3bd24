"""Write the plan reports and pick the one shown on standard output."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from secure_ecs.cost import render_text as cost_text
from secure_ecs.plan.json_report import plan_json
from secure_ecs.plan.mermaid import mermaid_diagram
from secure_ecs.plan.model import PlanResult
from secure_ecs.plan.sarif import sarif_json
from secure_ecs.plan.summary import summary_text
from secure_ecs.tfplan.report import TFPLAN_FILE, plan_of, tfplan_json

# --format value -> (file name, renderer)
REPORTS: Mapping[str, tuple[str, Callable[[PlanResult], str]]] = {
    "text": ("summary.txt", summary_text),
    "json": ("plan.json", plan_json),
    "sarif": ("plan.sarif", sarif_json),
    "mermaid": ("architecture.mmd", lambda result: mermaid_diagram(result.graph)),
    "cost": ("cost.txt", lambda result: cost_text(result.cost) if result.cost else f"{result.cost_unavailable}\n"),
    "tfplan": (TFPLAN_FILE, lambda result: tfplan_json(plan_of(result))),
}


def render_reports(result: PlanResult) -> dict[str, str]:
    """Every report, rendered: file name -> text."""
    return {file_name: render(result) for file_name, render in REPORTS.values()}
