"""The secure-ecs components as a Pulumi component provider.

`pulumi package add <path to this folder>` starts it, reads the schema Pulumi infers from the
components' typed args and output annotations, and generates an SDK for the calling project's
language (TypeScript, Go, C#, Java, YAML), so the same classes serve every language.
"""

import sys
from pathlib import Path

# From a checkout the components and the shared rules sit beside this folder.
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "policies")]

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION  # noqa: E402

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=PACKAGE_VERSION)
