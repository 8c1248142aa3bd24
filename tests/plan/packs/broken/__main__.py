"""A policy pack that cannot load: it imports a module that does not exist."""

from policies_that_do_not_exist import ALL_POLICIES  # type: ignore[import-not-found]
from pulumi_policy import PolicyPack

PolicyPack(name="broken", policies=ALL_POLICIES)
