"""schemathesis against the API's own OpenAPI description, in-process: for every operation,
a bounded number of generated requests (API_EXAMPLES, default 15; more in a longer run) as an
administrator with a token; no answer may be a server error or break the schema."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from challengelog.api.models import ApiToken

EXAMPLES = int(os.environ.get("API_EXAMPLES", 15))


@pytest.fixture
def keep_connection():
    """Django closes the database connection at the end of each request it serves: called as
    a WSGI application inside a test's transaction (as Django's test client does), it must
    not."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_generated_request_breaks_the_api(published, people, keep_connection):
    _, key = ApiToken.issue(user=people["admin"], name="fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    tried = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            # Real partnership and challenges, so that requests reach the code behind them;
            # every other part of the request is generated.
            if "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = "southampton"
            if "reference" in (case.path_parameters or {}):
                case.path_parameters["reference"] = "144"
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        check()
        tried.append(f"{operation.method.upper()} {operation.path}")
    assert len(tried) >= 11, tried
