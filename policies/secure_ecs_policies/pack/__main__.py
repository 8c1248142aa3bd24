"""The bundled secure-ecs pack, as the Pulumi engine (or `secure-ecs plan`) starts it from this folder."""

from secure_ecs_policies.pack import run_pack

run_pack()
