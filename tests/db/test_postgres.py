"""The same product on PostgreSQL (QIFA_DATABASE_URL): migrations at start-up, a conversation with a
hand-off, an order by API with concurrent numbering, and a restart. Runs when QIFA_TEST_POSTGRES_URL
names a server database to create throw-away databases from (.ci/run starts one); skipped otherwise."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import inspect

from api.app import create_app
from composition import build_runtime
from config import Settings
from knowledge.embeddings import QifaEmbeddings

pytestmark = pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)

ORDER: dict[str, Any] = {
    "service_id": "contract-review", "enterprise_name": "浦江晶彩水晶有限公司", "credit_code": "91440300708461136T",
    "contact_name": "张三", "phone": "0579-84123456", "description": "审查一份采购合同", "consent": True,
}


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database("qifa_test") as url:
        yield url


def test_the_product_runs_on_postgresql(tmp_path, database_url: str, embeddings: QifaEmbeddings) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url=database_url)
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        tables = set(inspect(rt.db.engine).get_table_names())
        assert {"alembic_version", "kb_documents", "chat_messages", "handoffs", "orders", "staff_users"} <= tables
        with TestClient(create_app(runtime=rt)) as client:
            first = client.post("/api/v1/chat", json={"message": "你好"}).json()
            assert first["route"] == "menu"
            sid = first["session_id"]
            handoff = client.post("/api/v1/chat", json={"message": "转人工", "session_id": sid}).json()
            assert handoff["route"] == "handoff" and handoff["handoff"]["status"] == "open"

            results: list[tuple[int, Any]] = []
            lock = threading.Lock()
            barrier = threading.Barrier(10)

            def place(i: int) -> None:
                barrier.wait()
                resp = client.post("/api/v1/orders", json={**ORDER, "contact_name": f"联系人{i}"})
                with lock:
                    results.append((resp.status_code, resp.json()))

            threads = [threading.Thread(target=place, args=(i,)) for i in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert [code for code, _ in results] == [201] * 10, results
            assert len({body["number"] for _, body in results}) == 10
    finally:
        rt.close()

    again = build_runtime(settings, shipped=False, embeddings=embeddings)  # a restart: nothing lost
    try:
        roles = [m.role for m in again.conversations.messages(sid)]
        assert roles == ["user", "bot", "user", "bot"]
        case = again.handoffs.active(sid)
        assert case is not None and case.reason == "user_request"
    finally:
        again.close()
