"""The verify report: a table for people, JSON for pipelines."""

from __future__ import annotations

import json
from collections import Counter

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from secure_ecs.verify.model import Status
from secure_ecs.verify.runner import VerifyRun

_STYLE = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.ERROR: "magenta",
          Status.SKIPPED: "dim"}


def summary_line(run: VerifyRun) -> str:
    counts = Counter(result.status for result in run.results)
    parts = [f"{counts[status]} {status.value}" for status in Status if counts[status]]
    return f"{', '.join(parts)} (exit {run.exit_code})"


def text_report(run: VerifyRun, stack: str) -> RenderableType:
    table = Table(title=f"secure-ecs verify: {stack} (account {run.account}, {run.region})", show_lines=True,
                  title_justify="left")
    table.add_column("status", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("what was checked and found", overflow="fold")
    for result in run.results:
        cell = Text(result.title, style="bold")
        cell.append("\n" + "\n".join(result.evidence), style="")
        if result.status not in (Status.PASS, Status.SKIPPED) and result.remediation:
            cell.append(f"\nFix: {result.remediation}", style="italic")
        table.add_row(Text(result.status.value.upper(), style=_STYLE[result.status]), result.id, cell)
    return Group(table, Text(summary_line(run)))


def json_report(run: VerifyRun, stack: str) -> str:
    document = {
        "stack": stack,
        "account": run.account,
        "region": run.region,
        "exitCode": run.exit_code,
        "summary": {status.value: sum(r.status == status for r in run.results) for status in Status},
        "checks": [
            {"id": r.id, "title": r.title, "status": r.status.value, "evidence": list(r.evidence),
             "remediation": r.remediation}
            for r in run.results
        ],
    }
    return json.dumps(document, indent=2) + "\n"
