"""Run CrossGuard policy packs over a captured resource graph through the real analyzer protocol.

The pack is started exactly as the Pulumi CLI starts it and spoken to over gRPC
(``pulumirpc.Analyzer``), so a pack that passes here behaves the same under ``pulumi preview``.
"""

from secure_ecs.analyzer.client import AnalyzerClient
from secure_ecs.analyzer.diagnostics import AnalyzerInfo, Diagnostic, PolicyConfig, PolicyDescriptor, Remediation
from secure_ecs.analyzer.errors import AnalyzerCallError, AnalyzerError, PackStartError, PolicyConfigError

__all__ = [
    "AnalyzerCallError",
    "AnalyzerClient",
    "AnalyzerError",
    "AnalyzerInfo",
    "Diagnostic",
    "PackStartError",
    "PolicyConfig",
    "PolicyConfigError",
    "PolicyDescriptor",
    "Remediation",
]
