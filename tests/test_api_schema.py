"""schemathesis against /openapi.json: whatever the input, no 5xx, and every answer is what the schema says.

Each operation gets a bounded number of generated requests, valid and invalid (CI runs them
derandomized, like the other property tests). Invalid ones must get a documented status and a
problem document, never a 5xx. schemathesis's `negative_data_rejection` check is left out: it
flags requests whose "invalid" part is an empty array of invalid items, which the schema
admits (a known false positive, schemathesis PR 4690); tests/test_api.py checks bad input.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from overland.api import Settings, create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(Settings()))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_by_its_schema(case):
    case.call_and_validate(checks=CHECKS)
