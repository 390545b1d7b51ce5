"""Self-check figures on the staff dashboard: reports made through the API (three questionnaires, different
answers) counted by level, industry and area, with the most common findings, in the JSON and on the page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime

PW = "staff-pass-1"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("chen", "curator", PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def answers(client: TestClient, checkup: str, word: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for q in client.get(f"/api/v1/checkups/{checkup}").json()["questions"]:
        cond = q["depends_on"]
        if cond is None or out.get(cond["question"]) == cond["answer"]:
            out[q["id"]] = (overrides or {}).get(q["id"], "yes" if q["gate"] else word)
    return out


def report(client: TestClient, checkup: str, word: str, overrides: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.post(f"/api/v1/checkups/{checkup}/report", json={"answers": answers(client, checkup, word, overrides)})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_self_check_figures(client: TestClient) -> None:
    made = [report(client, "crystal", "no"), report(client, "crystal", "yes", {"cry-wastewater": "no"}),
            report(client, "quilting", "yes"), report(client, "general", "unsure")]
    assert [m["overall"]["level"] for m in made] == ["高风险", "中风险", "低风险", "高风险"]
    token = client.post("/api/v1/auth/token", data={"username": "chen", "password": PW}).json()["access_token"]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    stats = client.get("/api/v1/stats", params={"from": today, "to": today},
                       headers={"Authorization": f"Bearer {token}"}).json()["checkups"]
    assert stats["completed"] == 4
    assert stats["by_level"] == {"低风险": 1, "中风险": 1, "高风险": 2}
    assert stats["by_industry"] == {"水晶": {"低风险": 0, "中风险": 1, "高风险": 1},
                                    "绗缝": {"低风险": 1, "中风险": 0, "高风险": 0},
                                    "通用": {"低风险": 0, "中风险": 0, "高风险": 1}}
    env = stats["by_area"]["环境保护"]
    assert env["area_en"] == "Environmental protection"
    # crystal twice (all risky; the wastewater alone is 3 of its 5 points: 60 %) and general (all unsure: 50 %)
    assert (env["低风险"], env["中风险"], env["高风险"]) == (0, 0, 3)
    top = stats["top_findings"][0]
    assert (top["question_id"], top["area"], top["count"]) == ("cry-wastewater", "环境保护", 2)
    assert "水晶废水直排" in top["finding"] and top["finding_en"].startswith("Direct discharge")
    earlier = client.get("/api/v1/stats", params={"from": "2026-01-01", "to": "2026-01-02"},
                         headers={"Authorization": f"Bearer {token}"}).json()["checkups"]
    assert earlier["completed"] == 0 and earlier["top_findings"] == []
    login = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert csrf is not None
    client.post("/console/login", data={"username": "chen", "password": PW, "csrf": csrf.group(1)})
    page = client.get("/console/dashboard", params={"from": today, "to": today})
    assert page.status_code == 200 and 'id="checkups"' in page.text
    assert "法治体检自测 Self-checks（4）" in page.text and "水晶废水直排" in page.text
