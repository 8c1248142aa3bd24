"""`aws.iam.get_policy_document` is rendered the way the AWS provider renders it."""

from __future__ import annotations

import json

from secure_ecs.offline.policy_document import render_policy_document


def test_single_values_collapse_and_lists_sort_in_reverse() -> None:
    result = render_policy_document({
        "statements": [{
            "sid": "Pull",
            "actions": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "resources": ["*"],
            "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
            "conditions": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123456789012"]}],
        }]
    })
    document = json.loads(result["json"])
    assert document == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Pull",
            "Effect": "Allow",
            "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Resource": "*",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        }],
    }
    assert json.loads(result["minifiedJson"]) == document
    assert "\n" not in result["minifiedJson"]


def test_wildcard_principal_and_override_by_sid() -> None:
    source = json.dumps({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    override = json.dumps({"Statement": [{"Sid": "B", "Effect": "Deny", "Action": "*", "Resource": "*"}]})
    result = render_policy_document({
        "sourcePolicyDocuments": [source],
        "overridePolicyDocuments": [override],
        "statements": [{"sid": "B", "effect": "Allow", "actions": ["s3:PutObject"],
                        "principals": [{"type": "*", "identifiers": ["*"]}]}],
    })
    statements = json.loads(result["json"])["Statement"]
    assert [s["Sid"] for s in statements] == ["A", "B"]
    assert statements[1]["Effect"] == "Deny"
