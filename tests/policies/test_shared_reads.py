"""The pack's per-call memo of property reads changes no verdict, only the time taken."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.paths import REPO_ROOT

# Runs in a child process: the memo patches pulumi-policy's runtime for the whole interpreter.
_COMPARE = textwrap.dedent(
    """
    import json, sys
    from google.protobuf import json_format
    import pulumi_policy.policy as runtime
    from pulumi_policy import EnforcementLevel
    from secure_ecs.analyzer.convert import analyze_request, analyze_stack_request, index_graph
    from secure_ecs_policies import ALL_POLICIES
    from secure_ecs_policies.shared_reads import share_property_reads
    from tests.policies.stacks import Knobs, fargate_stack

    graphs = [fargate_stack(), fargate_stack(Knobs(assign_public_ip=True, scan_on_push=False, waf=False,
              flow_log=False, secret_in_environment=True, open_task_ingress=True, nat_route=True))]

    def responses():
        servicer = runtime._PolicyAnalyzerServicer(
            "secure-ecs", "0.0.1", ALL_POLICIES, EnforcementLevel.MANDATORY, None, None, None, None, "aws", [], None)
        out = []
        for graph in graphs:
            index = index_graph(graph)
            for resource in graph.resources:
                out.append(json_format.MessageToDict(servicer.Analyze(analyze_request(resource, graph, index), None)))
            out.append(json_format.MessageToDict(servicer.AnalyzeStack(analyze_stack_request(graph), None)))
        return out

    plain = responses()
    assert share_property_reads()
    shared = responses()
    print(json.dumps({"equal": plain == shared, "findings": sum(len(r.get("diagnostics", [])) for r in plain)}))
    """
)


def test_sharing_property_reads_changes_no_diagnostic() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _COMPARE],
        cwd=REPO_ROOT,
        env={"PYTHONPATH": f"{REPO_ROOT}:{REPO_ROOT / 'policies'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["findings"] > 5  # the insecure variant is judged at all
    assert outcome["equal"]
