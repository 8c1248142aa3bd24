"""Tooling for the secure-ecs stacks: typed stack configuration, the offline harness and the CLI."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
"""The checkout this package runs from: the project's program, its stack files and its policy pack."""
PROJECT_POLICY_PACK = PROJECT_ROOT / "policies"
