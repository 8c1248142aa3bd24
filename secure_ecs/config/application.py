"""`secure-ecs:service`, `secure-ecs:alb` and `secure-ecs:database`: the components' own arguments."""

from __future__ import annotations

from secure_ecs.config.derived import derived_section
from secure_ecs_components.alb import SPEC as ALB_SPEC
from secure_ecs_components.database import SPEC as DATABASE_SPEC
from secure_ecs_components.fargate_service import SPEC as SERVICE_SPEC


class AlbConfig(derived_section("AlbSection", ALB_SPEC)):  # type: ignore[misc]
    """`HardenedAlb`'s arguments."""


class DatabaseConfig(derived_section("DatabaseSection", DATABASE_SPEC)):  # type: ignore[misc]
    """`PrivateDatabase`'s arguments."""


class ServiceConfig(derived_section("ServiceSection", SERVICE_SPEC)):  # type: ignore[misc]
    """`SecureFargateService`'s arguments, and whether its image may come from another account."""

    allow_cross_account_image: bool = False
    """Accept an image or repository in another AWS account (its repository policy must grant this
    account pull access). Off: `pulumi up` refuses one, which also catches an example value left in."""


# What the task receives about the database. No password: the application signs an IAM authentication
# token (valid 15 minutes) with its task role for each new connection, so nothing goes stale on rotation.
DATABASE_SECRET_VARIABLES = ("DB_USERNAME", "DB_PASSWORD")
"""Names the task must not set itself: they would suggest a password that the stack does not hand out."""
DATABASE_PLAIN_VARIABLES = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_AUTH_METHOD")
