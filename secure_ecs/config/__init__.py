"""The typed configuration of a secure-ecs stack (the `secure-ecs:` namespace of Pulumi.<stack>.yaml)."""

from secure_ecs.config.errors import StackConfigError
from secure_ecs.config.loader import load_stack_config, validate_stack_config
from secure_ecs.config.stack import StackConfig

__all__ = ["StackConfig", "StackConfigError", "load_stack_config", "validate_stack_config"]
