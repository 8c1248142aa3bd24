"""The cost JSON document's version and its JSON Schema (`cost-report.schema.json`, draft 2020-12).

`SCHEMA_VERSION` follows semantic versioning: fields are only added within a major version; a renamed,
removed or retyped field bumps the major version (and the major in `SCHEMA_ID`).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_VERSION = "2.0.0"
"""2.0.0: every key the document defines is camelCase (1.x had snake_case keys inside line items etc.);
the ALB usage assumption `request_response_kb` became `request_kb` + `response_kb`."""
SCHEMA_FILE = "cost-report.schema.json"
SCHEMA_ID = "https://secure-ecs.invalid/schemas/cost-report-2.json"


def load_schema() -> dict[str, Any]:
    """The JSON Schema every `to_json(estimate)` document validates against (its `$id` is `SCHEMA_ID`)."""
    text = resources.files("secure_ecs.cost").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))
