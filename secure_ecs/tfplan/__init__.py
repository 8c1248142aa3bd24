"""Terraform plan JSON from a captured resource graph, so Terraform-plan scanners can judge a Pulumi program."""
