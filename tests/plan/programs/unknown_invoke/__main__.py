"""A program that calls a data source the emulated account does not answer."""

import pulumi
import pulumi_aws as aws

organization = aws.organizations.get_organization()
pulumi.export("organization", organization.id)
