"""How a container reads one key of a JSON secret: the `valueFrom` form ECS resolves at task start."""

import pulumi


def json_key_reference(secret_arn: pulumi.Input[str], json_key: str) -> pulumi.Output[str]:
    """`<secret ARN>:<json-key>::`, a value for `SecureFargateService`'s `secrets` map."""
    return pulumi.Output.concat(secret_arn, f":{json_key}::")
