"""The policy catalogue as a Markdown table, generated from a pack's own metadata.

    python -m secure_ecs.analyzer.catalogue [pack_dir]

starts the pack, asks it for GetAnalyzerInfo and prints one row per policy, so the README table
is regenerated from the pack rather than maintained by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from secure_ecs.analyzer.client import AnalyzerClient
from secure_ecs.analyzer.diagnostics import PolicyDescriptor
from secure_ecs.bundled_pack import bundled_policy_pack


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ").strip()


def _summary(description: str) -> str:
    """The description without the trailing "[controls]" the pack appends (they get their own column)."""
    head, bracket, _ = description.rpartition(" [")
    return head if bracket and description.endswith("]") else description


def render_policy_table(policies: Iterable[PolicyDescriptor]) -> str:
    rows = [
        "| policy | type | enforcement | severity | controls | description |",
        "|---|---|---|---|---|---|",
    ]
    for policy in policies:
        cells = (
            f"`{policy.name}`",
            policy.policy_type,
            policy.enforcement_level,
            policy.severity,
            ", ".join(policy.controls),
            _summary(policy.description),
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def policy_catalogue_markdown(pack_dir: Path | None = None) -> str:
    """Start the pack at ``pack_dir`` and render its policies as a Markdown table."""
    with AnalyzerClient(pack_dir or bundled_policy_pack()) as pack:
        return render_policy_table(pack.info().policies)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sys.stdout.write(policy_catalogue_markdown(Path(args[0]) if args else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
