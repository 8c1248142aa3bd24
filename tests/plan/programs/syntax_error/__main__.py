"""A program with a syntax error on line 6."""

import pulumi_aws as aws

bucket = aws.s3.Bucket("logs"
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
