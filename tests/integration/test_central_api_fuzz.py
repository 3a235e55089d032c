"""schemathesis against the running service's /openapi.json: generated requests (valid and not) with real
tokens of every kind (a counter till, an office till, the head office) never make the central store answer
with a server error. Not derandomized: each run tries new cases, within a fixed budget (the default run
stays under about a minute); the slow mark runs many more. Oversized and deeply nested bodies have their
own tests (test_central_limits.py)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def fuzz_tokens(central_server):
    shop = central_server.new_shop()
    return {"counter": central_server.enroll_till(shop, "F1", office=False),
            "office": central_server.enroll_till(shop, "F2", office=True),
            "admin": central_server.admin_token(shop)}


def _published_schema() -> dict:
    """The document the service publishes at /openapi.json (built from the app; test_central_security
    checks the running server serves it)."""
    from central.api import create_app
    from central.database import Central

    return create_app(Central("postgresql:///unused"), manage_pool=False).openapi()


def _with_links(document: dict) -> dict:
    """OpenAPI links for the stateful run: a head-office row created is then read, changed and deleted;
    a push or an enroll is followed by a pull from the version it answered."""
    paths = document["paths"]
    row = {"table": "$request.path.table", "row_id": "$response.body#/id"}
    paths["/v1/admin/{table}"]["post"]["responses"]["200"]["links"] = {
        f"{method.title()}Row": {"operationId": paths["/v1/admin/{table}/{row_id}"][method]["operationId"],
                                 "parameters": row} for method in ("get", "put", "delete")}
    pull = paths["/v1/pull"]["get"]["operationId"]
    for path in ("/v1/push", "/v1/enroll"):
        paths[path]["post"]["responses"]["200"]["links"] = {
            "Pull": {"operationId": pull, "parameters": {"cursor": "$response.body#/shop_version"}}}
    return document


schema = schemathesis.openapi.from_dict(_with_links(_published_schema()))
# Fixed budget; database=None: no replay of earlier runs' examples, so every run explores afresh.
SHORT = settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                 phases=[Phase.explicit, Phase.generate])
LONG = settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
STATEFUL = settings(max_examples=15, stateful_step_count=6, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.generate])


def _tokens_for(path: str, tokens: dict) -> list[str]:
    if path.startswith("/v1/admin"):
        return [tokens["admin"], tokens["office"]]  # a till token on head-office routes: 403, never 5xx
    return [tokens["counter"], tokens["office"]]


def _call(case, central_server, fuzz_tokens):
    for token in _tokens_for(case.path, fuzz_tokens):
        case.call_and_validate(base_url=central_server.url, headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error])


@schema.parametrize()
@SHORT
def test_no_server_error(case, central_server, fuzz_tokens):
    _call(case, central_server, fuzz_tokens)


def test_no_server_error_in_sequences_of_calls(central_server, fuzz_tokens):
    """Stateful: chains of calls (a row created, then read, changed, deleted), each with a token that
    fits its route and one that does not."""
    base = schema.as_state_machine()

    class Machine(base):
        def get_call_kwargs(self, case):
            tokens = _tokens_for(case.path, fuzz_tokens)
            token = tokens[hash(case.id) % len(tokens)] if hasattr(case, "id") else tokens[0]
            return {"base_url": central_server.url, "headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    Machine.run(settings=STATEFUL)


@pytest.mark.slow
@schema.parametrize()
@LONG
def test_no_server_error_long(case, central_server, fuzz_tokens):
    _call(case, central_server, fuzz_tokens)
