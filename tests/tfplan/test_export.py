"""The export's shape: a create per resource, unknowns marked and listed, references between resources."""

from __future__ import annotations

import dataclasses
from typing import Any

from secure_ecs.offline.graph import UNKNOWN, CapturedResource
from secure_ecs.tfplan.export import export_plan
from tests.offline import captured_stack


def _by_address(document: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    items = document[section] if section == "resource_changes" else document[section]["root_module"]["resources"]
    return {item["address"]: item for item in items}


def test_prod_export_has_one_create_per_resource_and_the_graph_references() -> None:
    graph = captured_stack("prod")
    plan = export_plan(graph)
    document = plan.document
    infrastructure = [r for r in graph if r.is_infrastructure and not r.remote]
    assert document["format_version"] == "1.2" and plan.unmapped == () and plan.unknown == ()
    assert len(document["resource_changes"]) == len(infrastructure) == len(set(plan.addresses))
    assert {c["change"]["actions"][0] for c in document["resource_changes"]} == {"create"}
    expressions = {a: r["expressions"] for a, r in _by_address(document, "configuration").items()}
    by_type = {a.split(".")[0]: e for a, e in expressions.items()}
    association = by_type["aws_wafv2_web_acl_association"]
    assert association["resource_arn"]["references"][0].startswith("aws_lb.") and \
        association["resource_arn"]["references"][0].endswith(".arn")
    # The public-access block names its bucket, not a side resource that shares the bucket's id.
    assert by_type["aws_s3_bucket_public_access_block"]["bucket"]["references"][0].startswith("aws_s3_bucket.")
    assert by_type["aws_flow_log"]["vpc_id"]["references"][0].startswith("aws_vpc.")
    # References inside a block keep the block's list shape (Checkov follows them only there).
    service = by_type["aws_ecs_service"]["network_configuration"]
    assert isinstance(service, list)
    assert service[0]["security_groups"]["references"][0].startswith("aws_security_group.")
    values = _by_address(document, "planned_values")
    listener = next(v["values"] for a, v in values.items() if a.startswith("aws_lb_listener.") and
                    v["values"].get("protocol") == "HTTPS")
    assert listener["default_action"][0]["type"] == "forward"


def test_unknown_values_are_left_out_marked_and_listed() -> None:
    graph = captured_stack("prod")
    service = next(r for r in graph if r.type == "aws:ecs/service:Service")
    network = {**service.inputs["networkConfiguration"], "subnets": [UNKNOWN, "subnet-1"]}
    edited = dataclasses.replace(service, inputs={**service.inputs, "networkConfiguration": network,
                                                  "cluster": UNKNOWN}, outputs={})
    resources: tuple[CapturedResource, ...] = tuple(edited if r is service else r for r in graph.resources)
    plan = export_plan(dataclasses.replace(graph, resources=resources))
    address = next(a for a, urn in plan.addresses.items() if urn == service.urn)
    change = next(c["change"] for c in plan.document["resource_changes"] if c["address"] == address)
    assert "cluster" not in change["after"] and change["after_unknown"]["cluster"] is True
    assert change["after_unknown"]["network_configuration"] == [{"subnets": [True, False]}]
    assert change["after"]["network_configuration"][0]["subnets"] == [None, "subnet-1"]
    assert {(u.address, u.path) for u in plan.unknown} == {
        (address, "cluster"), (address, "network_configuration.0.subnets.0")}
