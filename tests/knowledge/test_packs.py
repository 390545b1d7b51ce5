"""Knowledge packs: the shipped manifest, installing a pack with its shipped vectors (a small pack made from
real pack texts, so most tests stay fast), versions, and what an unchanged or changed pack costs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from composition import Runtime, build_runtime
from config import Settings
from knowledge.catalogue import load_catalogue
from knowledge.chunking import index_text
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import SHIPPED_DIR, guide_documents, selected_packs
from knowledge.packs import (
    IN_FORCE,
    KINDS,
    PACKS_DIR,
    STATUSES,
    Pack,
    PackError,
    install_pack,
    load_pack,
    pack_status,
)
from knowledge.precomputed import load_precomputed, save_precomputed, vector_key, vectors_file

LAWS = PACKS_DIR / "laws"
SMALL = ("sme-payment-regulations", "sme-payment-regulations-2020", "paid-annual-leave-regulations")
# the minimum list of issue 10, by the title enterprises cite
REQUIRED_TITLES = [
    "中华人民共和国民法典", "中华人民共和国公司法", "中华人民共和国合伙企业法", "中华人民共和国劳动法",
    "中华人民共和国劳动合同法", "中华人民共和国劳动争议调解仲裁法", "中华人民共和国社会保险法", "工伤保险条例",
    "中华人民共和国安全生产法", "中华人民共和国消防法", "中华人民共和国环境保护法", "中华人民共和国产品质量法",
    "中华人民共和国消费者权益保护法", "中华人民共和国电子商务法", "中华人民共和国反不正当竞争法",
    "中华人民共和国商标法", "中华人民共和国专利法", "中华人民共和国著作权法", "中华人民共和国外商投资法",
    "中华人民共和国外商投资法实施条例", "中华人民共和国对外贸易法", "中华人民共和国出口管制法",
    "中华人民共和国税收征收管理法", "中华人民共和国个人信息保护法", "中华人民共和国数据安全法",
    "中华人民共和国行政处罚法", "中华人民共和国行政许可法", "中华人民共和国行政复议法", "中华人民共和国行政诉讼法",
    "中华人民共和国民事诉讼法", "中华人民共和国仲裁法", "中华人民共和国人民调解法", "中华人民共和国公证法",
    "中华人民共和国律师法", "中华人民共和国企业破产法", "中华人民共和国中小企业促进法", "优化营商环境条例",
    "保障中小企业款项支付条例", "中华人民共和国市场主体登记管理条例", "中华人民共和国招标投标法",
    "中华人民共和国政府采购法", "劳动保障监察条例",
    "最高人民法院关于适用《中华人民共和国民法典》合同编通则若干问题的解释",
    "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
]


@pytest.fixture(scope="module")
def laws() -> Pack:
    return load_pack(LAWS)


def small_pack(dest: Path, embeddings: QifaEmbeddings, ids: tuple[str, ...] = SMALL, vectors: bool = True) -> Pack:
    """A pack of a few real documents of the laws pack, with vectors of ``embeddings``."""
    data = yaml.safe_load((LAWS / "manifest.yaml").read_text(encoding="utf-8"))
    data["pack"], data["documents"] = "small", [d for d in data["documents"] if d["id"] in ids]
    for d in data["documents"]:
        (dest / d["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(LAWS / d["file"], dest / d["file"])
    (dest / "manifest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pack = load_pack(dest)
    if vectors:
        texts = list(dict.fromkeys(pack.chunk_texts()))
        save_precomputed(pack.vectors_path(embeddings.model_id), embeddings.model_id, texts, embeddings.encode(texts))
    return pack


class Counter:
    def __init__(self) -> None:
        self.total: int | None = None
        self.embedded = 0

    def start(self, n: int) -> None:
        self.total = n

    def add(self, n: int) -> None:
        self.embedded += n


def install(rt: Runtime, pack: Pack) -> tuple[int, Counter]:
    counter = Counter()
    changed = install_pack(rt.kb, pack, on_total=counter.start, on_embedded=counter.add)
    return changed, counter


# ------------------------------------------------------------------ the shipped manifest


def test_the_shipped_pack_holds_the_statutes_enterprises_ask_about(laws: Pack) -> None:
    titles = {d.title for d in laws.documents if d.status == IN_FORCE}
    assert len(laws.documents) >= 50
    assert [t for t in REQUIRED_TITLES if t not in titles] == []
    for d in laws.documents:
        assert (LAWS / d.file).is_file(), d.file
        assert d.kind in KINDS and d.status in STATUSES and d.title_en and d.issuer
        assert d.corpus_file, d.id  # where in laws-all the text came from


def test_of_several_versions_the_newest_is_in_force(laws: Pack) -> None:
    by_title: dict[str, list] = {}
    for d in laws.documents:
        by_title.setdefault(d.title, []).append(d)
    several = {t: v for t, v in by_title.items() if len(v) > 1}
    assert {"保障中小企业款项支付条例", "中华人民共和国民事诉讼法", "中华人民共和国公司法"} <= set(several)
    for versions in several.values():
        newest = max(versions, key=lambda d: d.effective)
        assert newest.status == IN_FORCE
        assert all(d.status == "已修订" for d in versions if d is not newest)
    sme = {d.effective[:4]: d.status for d in several["保障中小企业款项支付条例"]}
    assert sme == {"2025": IN_FORCE, "2020": "已修订"}


def test_the_shipped_vectors_and_tokens_cover_every_chunk_of_the_pack(laws: Pack) -> None:
    """Fails after a change to a pack text or to the tokenizer: run ``python -m ingest.build_pack_vectors``."""
    pre = load_precomputed(laws.vectors_path("usem3"), "usem3")
    texts = laws.chunk_texts()
    assert len(texts) > 5000
    assert all(vector_key(t) in pre.vectors and vector_key(t) in pre.tokens for t in texts)
    assert laws.vectors_path("usem3").stat().st_size < 30e6


def test_the_shipped_vectors_and_tokens_cover_every_chunk_of_the_guides() -> None:
    """Fails after a change to a guide, the catalogue or the tokenizer: run ``python -m ingest.build_pack_vectors``
    (a stale file is not wrong, but every first start then embeds what it misses)."""
    pre = load_precomputed(vectors_file(SHIPPED_DIR, "usem3"), "usem3")
    texts = [index_text(d.title, c.heading_path, c.locator, c.text)
             for d, _ in guide_documents(Settings.model_construct(), load_catalogue()) for c in d.chunks]
    assert len(texts) > 100
    missing = [t[:40] for t in texts if vector_key(t) not in pre.vectors or vector_key(t) not in pre.tokens]
    assert missing == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d[0].update(effective="2025-13-01"), "is not a date"),
        (lambda d: d[0].update(file="texts/missing.md"), "does not exist"),
        (lambda d: d[0].update(kind="法规"), "kind '法规' is not one of"),
        (lambda d: d[0].pop("title_en"), "missing title_en"),
        (lambda d: d[1].update(status=IN_FORCE), "2 versions in force"),
        (lambda d: [d[0].update(status="已修订"), d[1].update(status=IN_FORCE)], "is in force but"),
        (lambda d: d[2].update(id=d[0]["id"]), "appears twice"),
    ],
)
def test_a_bad_manifest_is_refused_with_the_reason(tmp_path: Path, embeddings: QifaEmbeddings, change, problem) -> None:
    small_pack(tmp_path, embeddings, vectors=False)
    data = yaml.safe_load((tmp_path / "manifest.yaml").read_text(encoding="utf-8"))
    docs = sorted(data["documents"], key=lambda d: SMALL.index(d["id"]))
    change(docs)
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PackError, match=problem):
        load_pack(tmp_path)


def test_an_unknown_pack_name_in_the_settings_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"unknown pack.*nope; shipped: laws"):
        selected_packs(Settings(_env_file=None, data_dir=tmp_path, shipped_packs="laws, nope"))
    assert selected_packs(Settings(_env_file=None, data_dir=tmp_path, shipped_knowledge=False)) == []


# ------------------------------------------------------------------ installing a (small) pack


def test_a_fresh_data_dir_loads_shipped_vectors_and_embeds_nothing(runtime: Runtime, tmp_path: Path,
                                                                     embeddings: QifaEmbeddings) -> None:
    pack = small_pack(tmp_path / "pack", embeddings)
    changed, counter = install(runtime, pack)
    assert changed == 3 and counter.total == 0 and counter.embedded == 0
    status = pack_status(runtime.kb, pack)
    assert status.installed and status.vectors and status.chunks == runtime.kb.stats()["chunks"] > 60
    top = runtime.kb.search("大型企业从中小企业采购货物，最晚多少天内要付款？", k=3, mode="dense")
    assert top and top[0].document_id == "sme-payment-regulations"
    # an unchanged pack costs one hash
    assert install(runtime, pack)[0] == 0


def test_a_changed_chunk_is_the_only_one_embedded(runtime: Runtime, tmp_path: Path,
                                                  embeddings: QifaEmbeddings) -> None:
    pack = small_pack(tmp_path / "pack", embeddings)
    install(runtime, pack)
    text = tmp_path / "pack" / "texts" / "paid-annual-leave-regulations.md"
    text.write_text(text.read_text(encoding="utf-8").replace("年休假10天", "年休假11天"), encoding="utf-8")
    pack = load_pack(tmp_path / "pack")
    changed, counter = install(runtime, pack)
    assert changed == 1 and counter.total == 1 and counter.embedded == 1
    hit = runtime.kb.search("工作满10年不满20年的年休假有几天", k=1)[0]
    assert "年休假11天" in hit.text and hit.document_id == "paid-annual-leave-regulations"


def test_another_model_embeds_the_pack_with_progress(tmp_path: Path, embeddings: QifaEmbeddings,
                                                     minilm: QifaEmbeddings) -> None:
    pack = small_pack(tmp_path / "pack", embeddings)  # vectors of the bundled model only
    rt = build_runtime(Settings(_env_file=None, data_dir=tmp_path / "var", embedding_model=minilm.model_id),
                       shipped=False, embeddings=minilm)
    try:
        changed, counter = install(rt, pack)
        chunks = rt.kb.stats()["chunks"]
        # the two versions share identical articles: each text is embedded once per chunk row
        assert changed == 3 and counter.total == counter.embedded == chunks
        assert not pack_status(rt.kb, pack).vectors
        assert rt.kb.vectors.count() == chunks
    finally:
        rt.close()


def test_a_superseded_version_is_stored_but_never_retrieved(runtime: Runtime, tmp_path: Path,
                                                            embeddings: QifaEmbeddings) -> None:
    install(runtime, small_pack(tmp_path / "pack", embeddings))
    docs = {d.id: d for d in runtime.kb.documents()}
    assert docs["sme-payment-regulations-2020"].status == "已修订" and not docs["sme-payment-regulations-2020"].active
    assert docs["sme-payment-regulations"].active and docs["sme-payment-regulations"].effective == "2025-06-01"
    for mode in ("hybrid", "bm25", "dense"):
        for q in ("机关事业单位采购中小企业货物，合同另有约定的付款期限最长不得超过60日吗",
                  "保障中小企业款项支付条例 迟延支付 利息", "中小企业应收账款确权请求"):
            hits = runtime.kb.search(q, k=10, mode=mode)  # type: ignore[arg-type]
            assert hits and all(h.document_id != "sme-payment-regulations-2020" for h in hits)


def test_pack_documents_carry_their_metadata(runtime: Runtime, tmp_path: Path, embeddings: QifaEmbeddings) -> None:
    install(runtime, small_pack(tmp_path / "pack", embeddings))
    d = runtime.kb.document("paid-annual-leave-regulations")
    assert d is not None
    assert (d.title, d.category, d.issuer, d.status, d.effective, d.pack) == (
        "职工带薪年休假条例", "行政法规", "国务院", "现行有效", "2008-01-01", "small")
    assert d.title_en == "Regulations on Paid Annual Leave for Employees"
    assert d.source == "pack:small/texts/paid-annual-leave-regulations.md"
    p = runtime.kb.search("职工带薪年休假条例 累计工作已满1年不满10年的 年休假几天", k=1)[0]
    assert (p.title_en, p.category, p.issuer) == (d.title_en, "行政法规", "国务院")
    assert index_text(p.title, p.heading_path, p.locator, p.text).startswith("职工带薪年休假条例")
