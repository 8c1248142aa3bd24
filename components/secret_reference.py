"""How a secret reaches a container: an environment variable name and the ARN ECS reads it from."""


from typing import TypedDict

import pulumi


class SecretReference(TypedDict):
    """One secret the container receives as an environment variable, resolved by ECS at start."""

    name: str
    """Environment variable name inside the container, e.g. `DB_PASSWORD`."""
    value_from: pulumi.Input[str]
    """Full ARN of a Secrets Manager secret (optionally `:<json-key>::`) or an SSM parameter."""


def json_key_reference(name: str, secret_arn: pulumi.Input[str], json_key: str) -> SecretReference:
    """Reference one key of a JSON secret (ECS form `<arn>:<json-key>::`)."""
    return {"name": name, "value_from": pulumi.Output.concat(secret_arn, f":{json_key}::")}
