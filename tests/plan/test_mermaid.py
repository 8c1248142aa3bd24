"""The diagram is derived from wiring and security-group rules of any program, not one layout."""

from __future__ import annotations

import re

import pulumi
import pulumi_aws as aws

from secure_ecs.offline.account import EmulatedAccount
from secure_ecs.offline.harness import run_function
from secure_ecs.offline.stack_files import StackSettings
from secure_ecs.plan.mermaid import mermaid_diagram

SETTINGS = StackSettings(project="diagram", stack="test", config={"aws:region": "eu-west-1"})


class Tier(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("example:index:Tier", name)


def _program() -> None:
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    web = Tier("web")
    data = Tier("data")
    child = pulumi.ResourceOptions(parent=web)
    lb_group = aws.ec2.SecurityGroup("lb-sg", vpc_id=vpc.id, opts=child)
    app_group = aws.ec2.SecurityGroup("app-sg", vpc_id=vpc.id, opts=child)
    db_group = aws.ec2.SecurityGroup("db-sg", vpc_id=vpc.id, opts=pulumi.ResourceOptions(parent=data))
    # Three rule styles: the vpc rule resources, the legacy rule resource and inline rules.
    aws.vpc.SecurityGroupIngressRule("lb-https", security_group_id=lb_group.id, cidr_ipv4="0.0.0.0/0",
                                     ip_protocol="tcp", from_port=443, to_port=443, opts=child)
    aws.vpc.SecurityGroupIngressRule("app-from-lb", security_group_id=app_group.id,
                                     referenced_security_group_id=lb_group.id, ip_protocol="tcp",
                                     from_port=8080, to_port=8080, opts=child)
    aws.ec2.SecurityGroupRule("app-to-db", type="egress", security_group_id=app_group.id,
                              source_security_group_id=db_group.id, protocol="tcp", from_port=5432, to_port=5432,
                              opts=child)
    balancer = aws.lb.LoadBalancer("lb", security_groups=[lb_group.id], subnets=["subnet-1"], opts=child)
    targets = aws.lb.TargetGroup("tg", port=8080, protocol="HTTP", target_type="ip", vpc_id=vpc.id, opts=child)
    aws.lb.Listener("https", load_balancer_arn=balancer.arn, port=443, protocol="HTTPS",
                    default_actions=[{"type": "forward", "target_group_arn": targets.arn}], opts=child)
    aws.lb.Listener("http", load_balancer_arn=balancer.arn, port=80, protocol="HTTP",
                    default_actions=[{"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS",
                                                                      "status_code": "HTTP_301"}}], opts=child)
    aws.ecs.Service("svc", cluster="c", task_definition="t", opts=child,
                    network_configuration={"subnets": ["subnet-1"], "security_groups": [app_group.id]},
                    load_balancers=[{"target_group_arn": targets.arn, "container_name": "app",
                                     "container_port": 8080}])
    aws.rds.Instance("db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                     vpc_security_group_ids=[db_group.id], opts=pulumi.ResourceOptions(parent=data))


def _diagram() -> str:
    return mermaid_diagram(run_function(_program, SETTINGS, EmulatedAccount("eu-west-1")))


def test_declared_and_security_group_edges() -> None:
    diagram = _diagram()
    ids = {m.group(2): m.group(1) for m in re.finditer(r'(\w+)[\[\(\{]+"[^":]+: ([^"]+)"', diagram)}
    lb, tg, svc, db = ids["lb"], ids["tg"], ids["svc"], ids["db"]
    assert f'internet -- "HTTPS 443" --> {lb}' in diagram
    assert f'internet -- "HTTP 80" --> {lb}' in diagram
    assert f'{lb} -- "HTTPS 443" --> {tg}' in diagram
    assert f'{lb} -- "HTTP 80" --> {tg}' not in diagram, "a redirect-only listener forwards nothing"
    assert f'{tg} -- "forwards" --> {svc}' in diagram
    assert f'internet -. "tcp 443" .-> {lb}' in diagram
    assert f'{lb} -. "tcp 8080" .-> {svc}' in diagram
    assert f'{svc} -. "tcp 5432" .-> {db}' in diagram
    assert "public IP" not in diagram


def test_components_become_subgraphs() -> None:
    diagram = _diagram()
    assert re.search(r'subgraph \w+\["web \(example:index:Tier\)"\]', diagram)
    assert re.search(r'subgraph \w+\["data \(example:index:Tier\)"\]', diagram)
    assert diagram.count("subgraph") == diagram.count("\n  end")


def test_a_program_without_network_resources_still_renders() -> None:
    graph = run_function(lambda: aws.s3.Bucket("only"), SETTINGS, EmulatedAccount("eu-west-1"))
    diagram = mermaid_diagram(graph)
    assert diagram.splitlines()[0] == "flowchart LR"
    assert "empty[" in diagram
