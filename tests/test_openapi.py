"""The REST API keeps to its OpenAPI document, checked by a tool nobody on the project wrote:
Schemathesis generates requests from ``/api/v1/openapi.json`` — valid ones and broken ones —
against ``facilitate serve`` on loopback, and checks every answer against the document (status
codes and bodies documented, no 5xx, ``Allow`` on a 405, broken input refused), then follows the
document's links (create a session → show it, control it, change its settings, read its
results, export it, delete it) as stateful scenarios.

Bounded: a fixed number of examples per operation and of scenarios, no example database (the
same examples every run with the same seed), nothing from the network but loopback.
"""

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from facilitate import create_app
from facilitate.api.openapi import document

from .realserver import cli, running_server, server_env

EMAIL, PASSWORD = "admin@example.org", "correct horse battery staple"
#: Examples per operation (each is one request) and stateful scenarios (a few requests each).
EXAMPLES = 40
SCENARIOS = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """The real server with an admin's token (admins may use every operation)."""
    folder = tmp_path_factory.mktemp("openapi")
    with ExitStack() as stack:
        env = server_env(folder / "instance")
        cli(env, "db", "upgrade")
        cli(env, "users", "create", EMAIL, "--role", "admin", "--password-stdin", stdin=PASSWORD)
        token = cli(env, "tokens", "create", EMAIL).strip().splitlines()[-1].strip()
        base, _process = stack.enter_context(running_server(env))
        auth = {"Authorization": f"Bearer {token}"}
        # One session that has started, so that exports have something to find.
        created = requests.post(
            f"{base}/api/v1/sessions",
            json={"module": "norrbotten-for-alla", "part": "demografi"},
            headers=auth,
            timeout=30,
        ).json()
        requests.post(
            f"{base}/api/v1/sessions/{created['id']}/control",
            json={"action": "start"},
            headers=auth,
            timeout=30,
        )
        yield base, auth


def _document() -> dict:
    """The document as the server sends it (the same code and default settings); read here
    because Schemathesis builds its tests when the module is collected."""
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "test"})
    with app.test_request_context():
        return document()


schema = schemathesis.openapi.from_dict(_document())


def test_the_server_sends_the_document_tested_here(server):
    base, _auth = server
    assert requests.get(f"{base}/api/v1/openapi.json", timeout=30).json() == schema.raw_schema


@schema.parametrize()
@BOUNDED
def test_every_operation_keeps_to_the_document(case, server):
    base, auth = server
    case.call_and_validate(base_url=f"{base}/api/v1", headers=auth, checks=CHECKS)


def test_following_the_links_keeps_to_the_document(server):
    base, auth = server
    workflow = schema.as_state_machine()
    assert any(workflow.bundles), "the document has no links to follow"

    class Workflow(workflow):
        def get_call_kwargs(self, case):
            return {"base_url": f"{base}/api/v1", "headers": auth}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
