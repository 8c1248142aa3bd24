"""architecture.mmd: a Mermaid flowchart of the architecture, derived from any captured graph.

Nodes are the resources traffic flows through (load balancers, target groups, services,
endpoints, databases, gateways, WAF). Solid edges are wiring the program declared (listener ->
target group -> service, WAF association); dotted edges are what security groups allow, derived
from the rule resources (or inline rules) and the property dependencies that tie each group to
the resources using it. Subgraphs follow the component tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from secure_ecs.offline.graph import CapturedResource, ResourceGraph
from secure_ecs.plan.graph_views import is_component

INTERNET = "internet"
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}

# Type token -> node label prefix and Mermaid shape brackets.
_NODE_TYPES: Mapping[str, tuple[str, str, str]] = {
    "aws:lb/loadBalancer:LoadBalancer": ("load balancer", "[", "]"),
    "aws:alb/loadBalancer:LoadBalancer": ("load balancer", "[", "]"),
    "aws:lb/targetGroup:TargetGroup": ("target group", "[", "]"),
    "aws:alb/targetGroup:TargetGroup": ("target group", "[", "]"),
    "aws:ecs/service:Service": ("ECS tasks", "[[", "]]"),
    "aws:ec2/instance:Instance": ("EC2 instance", "[[", "]]"),
    "aws:lambda/function:Function": ("Lambda", "[[", "]]"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("endpoint", "([", "])"),
    "aws:rds/instance:Instance": ("database", "[(", ")]"),
    "aws:rds/cluster:Cluster": ("database cluster", "[(", ")]"),
    "aws:ec2/natGateway:NatGateway": ("NAT gateway", "{{", "}}"),
    "aws:ec2/internetGateway:InternetGateway": ("internet gateway", "{{", "}}"),
    "aws:wafv2/webAcl:WebAcl": ("WAF", "{{", "}}"),
}

# Properties through which a resource joins security groups (their dependencies name the groups).
_MEMBERSHIP_PROPERTIES = ("securityGroups", "securityGroupIds", "vpcSecurityGroupIds", "networkConfiguration",
                          "vpcConfig", "networkInterfaces")

_SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
_LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
_LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
_WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    declared: bool
    """True for declared wiring (solid), False for what a security group allows (dotted)."""


def _deps(resource: CapturedResource, *properties: str) -> list[str]:
    return [urn for p in properties for urn in resource.property_dependencies.get(p, ())]


def _port_label(rule: Mapping[str, Any]) -> str:
    protocol = str(rule.get("ipProtocol") or rule.get("protocol") or "tcp").lower()
    if protocol in {"-1", "all"}:
        return "all traffic"
    low, high = rule.get("fromPort"), rule.get("toPort")
    if low is None:
        return protocol
    return f"{protocol} {low}" if low == high or high is None else f"{protocol} {low}-{high}"


class _Architecture:
    def __init__(self, graph: ResourceGraph) -> None:
        self.graph = graph
        self.index = {r.urn: r for r in graph}
        self.nodes = [r for r in graph if r.type in _NODE_TYPES]
        self.node_urns = {r.urn for r in self.nodes}
        self.members = self._security_group_members()
        self.edges: list[Edge] = []

    def _security_group_members(self) -> dict[str, set[str]]:
        members: dict[str, set[str]] = {}
        for resource in self.nodes:
            for urn in _deps(resource, *_MEMBERSHIP_PROPERTIES):
                if self.index.get(urn) is not None and self.index[urn].type == _SECURITY_GROUP:
                    members.setdefault(urn, set()).add(resource.urn)
        return members

    def _add(self, sources: Iterable[str], targets: Iterable[str], label: str, declared: bool) -> None:
        for source in sources:
            for target in targets:
                edge = Edge(source, target, label, declared)
                if source != target and edge not in self.edges:
                    self.edges.append(edge)

    def _group_of(self, resource: CapturedResource, property_name: str) -> set[str]:
        urns = _deps(resource, property_name)
        return {m for urn in urns for m in self.members.get(urn, ())}

    def _peer(self, resource: CapturedResource, rule: Mapping[str, Any], peer_properties: tuple[str, ...],
              cidr_properties: tuple[str, ...]) -> set[str]:
        peers = {m for urn in _deps(resource, *peer_properties) for m in self.members.get(urn, ())}
        # A prefix list (e.g. S3's) is reached through the gateway endpoint that owns it.
        for urn in _deps(resource, "prefixListId", "prefixListIds"):
            if urn in self.node_urns:
                peers.add(urn)
        cidrs = {str(c) for p in cidr_properties for c in _as_list(rule.get(p))}
        if cidrs & OPEN_CIDRS:
            peers.add(INTERNET)
        return peers

    def declared_wiring(self) -> None:
        for listener in (r for r in self.graph if r.type in _LISTENERS):
            balancers = [u for u in _deps(listener, "loadBalancerArn") if u in self.node_urns]
            targets = [u for u in _deps(listener, "defaultActions") if u in self.node_urns]
            balancer = self.index.get(balancers[0]) if balancers else None
            label = _listener_label(listener, balancer)
            if balancer is not None and not balancer.inputs.get("internal"):
                self._add([INTERNET], balancers, label, declared=True)
            redirect_only = all(a.get("type") == "redirect" for a in _as_list(listener.inputs.get("defaultActions")))
            if not redirect_only:
                self._add(balancers, targets, label, declared=True)
        for service in self.nodes:
            groups = [u for u in _deps(service, "loadBalancers") if u in self.node_urns]
            self._add(groups, [service.urn], "forwards", declared=True)
            network = service.inputs.get("networkConfiguration") or {}
            if isinstance(network, Mapping) and network.get("assignPublicIp") is True:
                self._add([INTERNET], [service.urn], "public IP", declared=True)
            if True in (service.inputs.get("associatePublicIpAddress"), service.inputs.get("publiclyAccessible")):
                self._add([INTERNET], [service.urn], "public IP", declared=True)
        for association in self.graph.of_type(_WAF_ASSOCIATION):
            acls = [u for u in _deps(association, "webAclArn") if u in self.node_urns]
            balancers = [u for u in _deps(association, "resourceArn") if u in self.node_urns]
            self._add(acls, balancers, "inspects", declared=True)

    def security_group_edges(self) -> None:
        for rule in self.graph.of_type(_INGRESS_RULE):
            owners = self._group_of(rule, "securityGroupId")
            peers = self._peer(rule, rule.inputs, ("referencedSecurityGroupId",), ("cidrIpv4", "cidrIpv6"))
            self._add(peers, owners, _port_label(rule.inputs), declared=False)
        for rule in self.graph.of_type(_EGRESS_RULE):
            owners = self._group_of(rule, "securityGroupId")
            peers = self._peer(rule, rule.inputs, ("referencedSecurityGroupId",), ("cidrIpv4", "cidrIpv6"))
            self._add(owners, peers - {INTERNET}, _port_label(rule.inputs), declared=False)
        for rule in self.graph.of_type(_LEGACY_RULE):
            owners = self._group_of(rule, "securityGroupId")
            peers = self._peer(rule, rule.inputs, ("sourceSecurityGroupId",), ("cidrBlocks", "ipv6CidrBlocks"))
            if rule.inputs.get("type") == "ingress":
                self._add(peers, owners, _port_label(rule.inputs), declared=False)
            else:
                self._add(owners, peers - {INTERNET}, _port_label(rule.inputs), declared=False)
        for group in self.graph.of_type(_SECURITY_GROUP):
            owners = self.members.get(group.urn, set())
            for direction in ("ingress", "egress"):
                for inline in _as_list(group.inputs.get(direction)):
                    peers = self._peer(group, inline, (direction,), ("cidrBlocks", "ipv6CidrBlocks"))
                    # Inline rules share one dependency list, so only open CIDRs can be placed exactly.
                    peers = peers & {INTERNET} if direction == "ingress" else set()
                    self._add(peers, owners, _port_label(inline), declared=False)


def _listener_label(listener: CapturedResource, balancer: CapturedResource | None) -> str:
    """`PROTOCOL port`; an unset protocol is the provider's default for the balancer's type."""
    balancer_type = (balancer.inputs.get("loadBalancerType") if balancer else None) or "application"
    protocol = listener.inputs.get("protocol") or ("HTTP" if balancer_type == "application" else "TCP")
    return f"{protocol} {listener.inputs.get('port', '')}".strip()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _node_id(urn: str, ids: dict[str, str]) -> str:
    if urn not in ids:
        ids[urn] = f"n{len(ids)}"
    return ids[urn]


def _text(value: str) -> str:
    """Label text Mermaid accepts inside quotes."""
    return re.sub(r'["\n]', "'", value)


def _node_line(resource: CapturedResource, ids: dict[str, str]) -> str:
    kind, open_bracket, close_bracket = _NODE_TYPES[resource.type]
    detail = ""
    if resource.type == "aws:ec2/vpcEndpoint:VpcEndpoint":
        detail = str(resource.inputs.get("serviceName", "")).rsplit(".", 1)[-1]
        if str(resource.inputs.get("serviceName", "")).endswith(("ecr.api", "ecr.dkr")):
            detail = ".".join(str(resource.inputs.get("serviceName", "")).rsplit(".", 2)[-2:])
    label = f"{kind}: {resource.name}" + (f" ({detail})" if detail else "")
    return f'{_node_id(resource.urn, ids)}{open_bracket}"{_text(label)}"{close_bracket}'


def _subgraph_lines(architecture: _Architecture, ids: dict[str, str]) -> list[str]:
    """Nodes nested in subgraphs following the component tree (only components that hold nodes)."""
    index = architecture.index

    def component_chain(resource: CapturedResource) -> list[CapturedResource]:
        chain = []
        parent = index.get(resource.parent)
        while parent is not None:
            if is_component(parent):
                chain.append(parent)
            parent = index.get(parent.parent)
        return list(reversed(chain))

    tree: dict[str, Any] = {"nodes": [], "children": {}}
    for node in architecture.nodes:
        branch = tree
        for component in component_chain(node):
            branch = branch["children"].setdefault(component.urn, {"nodes": [], "children": {}})
        branch["nodes"].append(node)

    lines: list[str] = []

    def emit(branch: dict[str, Any], depth: int) -> None:
        indent = "  " * depth
        for node in branch["nodes"]:
            lines.append(indent + _node_line(node, ids))
        for urn, child in branch["children"].items():
            component = index[urn]
            lines.append(f'{indent}subgraph {_node_id(urn, ids)}["{_text(f"{component.name} ({component.type})")}"]')
            emit(child, depth + 1)
            lines.append(f"{indent}end")

    emit(tree, 1)
    return lines


def mermaid_diagram(graph: ResourceGraph) -> str:
    architecture = _Architecture(graph)
    architecture.declared_wiring()
    architecture.security_group_edges()
    ids: dict[str, str] = {}
    lines = ["flowchart LR"]
    if any(INTERNET in (e.source, e.target) for e in architecture.edges):
        ids[INTERNET] = INTERNET
        lines.append(f'  {INTERNET}(("internet"))')
    lines.extend(_subgraph_lines(architecture, ids))
    for edge in architecture.edges:
        source, target = _node_id(edge.source, ids), _node_id(edge.target, ids)
        if edge.label:
            arrow = f'-- "{_text(edge.label)}" -->' if edge.declared else f'-. "{_text(edge.label)}" .->'
        else:
            arrow = "-->" if edge.declared else "-.->"
        lines.append(f"  {source} {arrow} {target}")
    if len(lines) == 1:
        lines.append('  empty["no load balancers, services, endpoints or databases in this program"]')
    return "\n".join(lines) + "\n"
