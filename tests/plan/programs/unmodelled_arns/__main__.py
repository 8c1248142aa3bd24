"""A table and a parameter, and an IAM policy over them that also grants everything on everything."""

import json

import pulumi
import pulumi_aws as aws

table = aws.dynamodb.Table("orders", hash_key="id", attributes=[{"name": "id", "type": "S"}],
                           billing_mode="PAY_PER_REQUEST")
parameter = aws.ssm.Parameter("endpoint", type="String", value="https://example.invalid")

aws.iam.Policy(
    "app-access",
    policy=pulumi.Output.all(table.arn, parameter.arn).apply(lambda arns: json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "ssm:GetParameter"], "Resource": list(arns)},
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
        ],
    })),
)
