"""Locations the tests share."""


from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACK_DIR = REPO_ROOT / "policies"
CONFIG_DIR = PACK_DIR / "config"
