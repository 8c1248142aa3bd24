"""The secure-ecs components as a Pulumi component provider.

`pulumi package add <path to this folder>` installs requirements.txt, starts this plugin, reads the
schema Pulumi infers from the components' typed args and output annotations, and generates an SDK for
the calling project's language (TypeScript, Go, C#, Java, YAML), so the same classes serve every language.
"""

from pulumi.provider.experimental import component_provider_host

from secure_ecs_components import COMPONENTS, PACKAGE_NAME, PACKAGE_VERSION

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=PACKAGE_VERSION)
