"""Who and where the account is, read the way most programs read it before naming things."""

import json
import sys

import pulumi
import pulumi_aws as aws

identity = aws.get_caller_identity()
region = aws.get_region()
partition = aws.get_partition()
document = aws.iam.get_policy_document(statements=[aws.iam.GetPolicyDocumentStatementArgs(
    actions=["s3:GetObject"], resources=[f"arn:{partition.partition}:s3:::assets-{identity.account_id}/*"])])
aws.s3.Bucket("assets", bucket=f"assets-{identity.account_id}-{region.region}")
aws.iam.Policy("read-assets", policy=document.json)
pulumi.export("endpoint", region.endpoint)
# What the plan loaded for a program like this one: neither the emulated AWS APIs nor our own stack.
pulumi.export("loaded", sorted(name for name in ("moto", "secure_ecs.config", "secure_ecs_components") if name in sys.modules))
pulumi.export("statement", json.loads(document.json)["Statement"][0]["Resource"])
