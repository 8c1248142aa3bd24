"""Locations the tests share."""


from secure_ecs import PROJECT_POLICY_PACK, PROJECT_ROOT

REPO_ROOT = PROJECT_ROOT
PACK_DIR = PROJECT_POLICY_PACK
CONFIG_DIR = PACK_DIR / "config"
