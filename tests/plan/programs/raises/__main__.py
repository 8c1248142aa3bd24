"""A program that raises while declaring resources, as a failed config check would."""

import pulumi_aws as aws

aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")


def required_port(value: str) -> int:
    raise ValueError(f"containerPort must be a number between 1 and 65535, got {value!r}")


required_port("http")
