"""Schemathesis against /openapi.json, in process (ASGI: no network), bounded and deterministic: a few generated
requests per operation (derandomized: the same ones every run), each answered without a server error, with its
documented content type, and a body matching its documented schema whenever the status is documented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from knowledge.embeddings import QifaEmbeddings

MAX_EXAMPLES = 25  # per operation: 29 operations, about 30 s
STAFF = ("/api/v1/handoffs", "/api/v1/staff", "/api/v1/auth/me", "/metrics")
OPERATIONS = [(path, method.upper()) for path, ops in create_app().openapi()["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Iterator[Any]:
    rt: Runtime = build_runtime(Settings(data_dir=tmp_path_factory.mktemp("st") / "var"), shipped=False,
                                embeddings=embeddings)
    rt.accounts.add("root", "admin", "schemathesis-pass-1")
    app = create_app(runtime=rt)
    with TestClient(app) as client:  # runs the lifespan: the runtime is attached
        token = client.post("/api/v1/auth/token", data={"username": "root", "password": "schemathesis-pass-1"})
        api = schemathesis.openapi.from_asgi("/openapi.json", app)
        api.admin_headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        yield api
    rt.close()


def test_every_operation_is_exercised() -> None:
    assert len(OPERATIONS) >= 27


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_the_api_keeps_its_contract(api_schema: Any, path: str, method: str) -> None:
    operation = api_schema[path][method]
    calls: list[int] = []
    staff = path.startswith(STAFF)  # generated requests on staff routes carry an admin's token

    @given(operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=api_schema.admin_headers if staff else None,
                                          checks=[not_a_server_error, content_type_conformance,
                                                  response_schema_conformance])
        calls.append(response.status_code)

    run()
    assert calls and all(status < 500 for status in calls)
