"""What one offline plan found: the resource graph, where each resource is declared, and violations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secure_ecs.analyzer import AnalyzerInfo, Diagnostic
from secure_ecs.cost import CostEstimate
from secure_ecs.offline.graph import ResourceGraph
from secure_ecs.offline.stack_files import read_program_location
from secure_ecs.tfplan.checkov import ScannerResult
from secure_ecs.tfplan.export import TerraformPlan

SEVERITY_ORDER = ("critical", "high", "medium", "low", "")
"""Most severe first; "" is a policy that declares no severity."""


@dataclass(frozen=True)
class SourceLocation:
    """The line of the program (or of a component it uses) that declared a resource."""

    path: Path
    line: int


@dataclass(frozen=True)
class PackRun:
    """One policy pack's verdict on the graph."""

    directory: Path
    info: AnalyzerInfo
    config_file: Path | None
    diagnostics: tuple[Diagnostic, ...]
    enforcement: Mapping[str, str] = field(default_factory=dict)
    """Policy name -> the enforcement level sent in Configure (pack default overlaid by the config file)."""


@dataclass(frozen=True)
class PlanResult:
    program_dir: Path
    graph: ResourceGraph
    packs: tuple[PackRun, ...]
    locations: Mapping[str, SourceLocation] = field(default_factory=dict)
    """URN -> where the resource was declared (resources created outside the program have none)."""
    source_root: Path | None = None
    """The folder report paths are relative to (the repository root when there is one)."""
    duration_seconds: float = 0.0
    cost: CostEstimate | None = None
    """Monthly estimate of the graph; None when it cannot be priced (see `cost_unavailable`)."""
    cost_unavailable: str = ""
    terraform_plan: TerraformPlan | None = None
    """The graph as Terraform plan JSON (plan.tfplan.json), with what it could not map or know."""
    scanner: ScannerResult | None = None
    """A Terraform-plan scanner's verdicts (`--scanner`); None when none ran."""
    scanner_gate: bool = False
    """Whether the scanner's failed checks count toward the exit status (`--scanner-gate`)."""
    region_unset: bool = False
    """The stack sets no `aws:region`: the plan assumed the emulated account's default region."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for pack in self.packs for d in pack.diagnostics]

    @property
    def mandatory_violations(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_mandatory]

    @property
    def exit_code(self) -> int:
        """0 when nothing mandatory was violated (nor a gated scanner check), 1 otherwise (2 is for errors)."""
        scanner_failed = bool(self.scanner_gate and self.scanner and self.scanner.failed)
        return 1 if self.mandatory_violations or scanner_failed else 0

    def source_of(self, urn: str) -> dict[str, Any] | None:
        """Where the resource was declared, as the JSON reports give it (`file` relative, `line`)."""
        location = self.locations.get(urn)
        return {"file": self.relative_path(location.path), "line": location.line} if location else None

    def relative_path(self, path: Path) -> str:
        root = self.source_root or self.program_dir
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    def program_file(self) -> Path:
        """The program's entry file (in the `main:` folder when Pulumi.yaml names one)."""
        _, source_dir = read_program_location(self.program_dir)
        return source_dir / "__main__.py"


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def tool_version() -> str:
    """The installed secure-ecs version, for report metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("secure-ecs")
    except PackageNotFoundError:
        return "0+unknown"
