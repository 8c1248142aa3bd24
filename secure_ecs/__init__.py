"""Tooling for the secure-ecs stacks: typed stack configuration, the offline harness and the CLI."""
