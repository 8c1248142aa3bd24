"""Write the plan reports and pick the one shown on standard output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from secure_ecs.cost import render_text as cost_text
from secure_ecs.plan.json_report import plan_json
from secure_ecs.plan.mermaid import mermaid_diagram
from secure_ecs.plan.model import PlanResult
from secure_ecs.plan.report_folder import report_folder
from secure_ecs.plan.sarif import sarif_json
from secure_ecs.plan.summary import summary_text
from secure_ecs.tfplan.export import export_plan
from secure_ecs.tfplan.report import tfplan_json

# --format value -> (file name, renderer)
REPORTS: Mapping[str, tuple[str, Callable[[PlanResult], str]]] = {
    "text": ("summary.txt", summary_text),
    "json": ("plan.json", plan_json),
    "sarif": ("plan.sarif", sarif_json),
    "mermaid": ("architecture.mmd", lambda result: mermaid_diagram(result.graph)),
    "cost": ("cost.txt", lambda result: cost_text(result.cost) if result.cost else f"{result.cost_unavailable}\n"),
    "tfplan": ("plan.tfplan.json", lambda result: tfplan_json(result.terraform_plan or export_plan(result.graph))),
}


def render_reports(result: PlanResult) -> dict[str, str]:
    """Every report, rendered: file name -> text."""
    return {file_name: render(result) for file_name, render in REPORTS.values()}


def write_reports(result: PlanResult, out_dir: Path) -> dict[str, Path]:
    """Render every report and put them in `out_dir` all at once; returns format -> written path."""
    with report_folder(out_dir) as folder:
        paths = folder.publish(render_reports(result))
    return {name: paths[file_name] for name, (file_name, _) in REPORTS.items()}
