"""Many resources, then a callback that raises: the SDK leaves many failed futures behind."""

import pulumi_aws as aws

buckets = [aws.s3.Bucket(f"b{i}") for i in range(40)]
for bucket in buckets:
    aws.s3.BucketPolicy(f"p-{bucket._name}", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: 1 / 0))
