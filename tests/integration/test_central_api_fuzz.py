"""schemathesis against the running service's /openapi.json: generated requests (valid and not) with real
tokens never make the central store answer with a server error. The default run is short; the slow mark
runs many more examples."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def fuzz_tokens(central_server):
    shop = central_server.new_shop()
    return central_server.enroll_till(shop, "F1"), central_server.admin_token(shop)


def _published_schema() -> dict:
    """The document the service publishes at /openapi.json (built from the app; test_central_security
    checks the running server serves it)."""
    from central.api import create_app
    from central.database import Central

    return create_app(Central("postgresql:///unused"), manage_pool=False).openapi()


schema = schemathesis.openapi.from_dict(_published_schema())
SHORT = settings(max_examples=12, deadline=None, derandomize=True,
                 suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def _call(case, central_server, fuzz_tokens):
    till_token, admin_token = fuzz_tokens
    token = admin_token if case.path.startswith("/v1/admin") else till_token
    case.call_and_validate(base_url=central_server.url, headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])


@schema.parametrize()
@SHORT
def test_no_server_error(case, central_server, fuzz_tokens):
    _call(case, central_server, fuzz_tokens)


@pytest.mark.slow
@schema.parametrize()
@LONG
def test_no_server_error_long(case, central_server, fuzz_tokens):
    _call(case, central_server, fuzz_tokens)
