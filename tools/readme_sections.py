"""Generated README sections: the settings reference, the policy catalogue and the cost comparison.

    python tools/readme_sections.py README.md

rewrites the text between `<!-- generated:NAME -->` and `<!-- end:NAME -->`; the test suite fails
when the README differs from what this would write, so the documentation cannot drift.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from secure_ecs.analyzer.catalogue import policy_catalogue_markdown
from secure_ecs.config.reference import settings_reference_markdown
from secure_ecs.cost import comparison_table_markdown, estimate_cost
from secure_ecs.offline.harness import run_stack


def cost_comparison_markdown() -> str:
    """This project's two stacks priced as declared and under the public-IP and NAT designs."""
    return comparison_table_markdown(
        [
            ("dev (2 AZs, 4 endpoints in 1 AZ, db.t4g.micro)", estimate_cost(run_stack("dev", REPO_ROOT))),
            ("prod (3 AZs, 4 endpoints x 3 AZs, Multi-AZ db.r6g.large)", estimate_cost(run_stack("prod", REPO_ROOT))),
        ]
    )


REPO_ROOT = Path(__file__).resolve().parents[1]

GENERATORS: dict[str, Callable[[], str]] = {
    "settings": settings_reference_markdown,
    "policies": lambda: policy_catalogue_markdown(REPO_ROOT / "policies"),
    "cost": cost_comparison_markdown,
}


def render(text: str, generators: dict[str, Callable[[], str]] = GENERATORS) -> str:
    for name, generate in generators.items():
        opening, closing = f"<!-- generated:{name} -->\n", f"<!-- end:{name} -->"
        start = text.find(opening)
        end = text.find(closing, start)
        if start < 0 or end < 0:
            raise ValueError(f"the README has no `{opening.strip()}` ... `{closing}` block")
        text = text[: start + len(opening)] + generate() + text[end:]
    return text


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    path.write_text(render(path.read_text()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
