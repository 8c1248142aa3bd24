"""A helper with a bug: it rejects the name it was built to accept."""

import pulumi_aws as aws


class BucketNameError(ValueError):
    """The program's own error type, defined in its own `components` package."""


def logs_bucket(name: str) -> aws.s3.Bucket:
    if "-" not in name:
        raise BucketNameError(f"bucket prefix {name!r} needs a dash")
    return aws.s3.Bucket(f"{name}-logs")
