"""Resource objects as inputs (role=role, vpc_id=vpc), which the engine hands analyzers as ids."""

import json

import pulumi_aws as aws

role = aws.iam.Role("r", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
aws.iam.RolePolicyAttachment("a", role=role, policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")
vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
aws.ec2.Subnet("public", vpc_id=vpc, cidr_block="10.0.1.0/24", map_public_ip_on_launch=True)
