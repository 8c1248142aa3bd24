"""The secure-ecs policy pack, as `pulumi preview --policy-pack policies` runs it."""

from secure_ecs_policies.pack import run_pack

run_pack()
