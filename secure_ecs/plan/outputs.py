"""Write the plan reports and pick the one shown on standard output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from secure_ecs.cost import render_text as cost_text
from secure_ecs.plan.json_report import plan_json
from secure_ecs.plan.mermaid import mermaid_diagram
from secure_ecs.plan.model import PlanResult
from secure_ecs.plan.sarif import sarif_json
from secure_ecs.plan.summary import summary_text

# --format value -> (file name, renderer)
REPORTS: Mapping[str, tuple[str, Callable[[PlanResult], str]]] = {
    "text": ("summary.txt", summary_text),
    "json": ("plan.json", plan_json),
    "sarif": ("plan.sarif", sarif_json),
    "mermaid": ("architecture.mmd", lambda result: mermaid_diagram(result.graph)),
    "cost": ("cost.txt", lambda result: cost_text(result.cost) if result.cost else f"{result.cost_unavailable}\n"),
}


def write_reports(result: PlanResult, out_dir: Path) -> dict[str, Path]:
    """Render every report into `out_dir`; returns format -> written path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (file_name, render) in REPORTS.items():
        path = out_dir / file_name
        path.write_text(render(result), encoding="utf-8")
        written[name] = path
    return written
