"""A program that asks AWS itself with boto3 (made before any data source runs), as some public programs do."""

import boto3
import pulumi
import pulumi_aws as aws

account_id = boto3.client("sts").get_caller_identity()["Account"]
aws.s3.Bucket("logs", bucket=f"logs-{account_id}")
pulumi.export("account_id", account_id)
