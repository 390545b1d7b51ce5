"""The catalogue's English twins (eligibility_en … contact_en): every shipped service has them all, faithful in
what can be checked mechanically (the counts of lines, the figures of a time limit, "free of charge"); a service
without them still loads; a list twin of another length is refused with a message naming both fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.catalogue import EN_FIELDS, Catalogue, CatalogueError, load_catalogue

# CJK ideographs and full-width punctuation (；，。（）): none may be left in an English twin
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue()


def test_every_shipped_service_has_every_english_twin_in_english(shipped: Catalogue) -> None:
    assert len(shipped.services) == 24
    for svc in shipped.services:
        assert svc.untranslated() == [], svc.id
        for english, chinese in EN_FIELDS.items():
            twin, original = getattr(svc, english), getattr(svc, chinese)
            lines = twin if isinstance(twin, tuple) else (twin,)
            assert all(line.strip() and not CJK.search(line) for line in lines), (svc.id, english, twin)
            if isinstance(original, tuple):
                assert len(twin) == len(original), (svc.id, english)


def test_shipped_twins_keep_the_figures_and_the_free_of_charge(shipped: Catalogue) -> None:
    for svc in shipped.services:
        assert svc.time_limit_en is not None and svc.fee_en is not None
        figures = sorted(re.findall(r"\d+", svc.time_limit))
        assert sorted(re.findall(r"\d+", svc.time_limit_en)) == figures, svc.id
        if svc.fee == "免费":
            assert svc.fee_en == "Free of charge", svc.id
        elif "免费" in svc.fee:
            assert "free of charge" in svc.fee_en.lower(), svc.id
        if "公证费" in svc.fee:
            assert "notarial fees" in svc.fee_en and "Zhejiang" in svc.fee_en, svc.id
        if "12345" in svc.contact:
            assert svc.contact_en is not None and "12345" in svc.contact_en, svc.id


def _service(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "export-licence-help", "name": "出口许可咨询", "name_en": "Export licence advice", "category": "法律咨询",
        "scenarios": ["依法经营"], "tags": ["出口许可"], "summary": "解答出口许可问题。",
        "summary_en": "Answers questions on export licences.", "eligibility": "县内外贸企业。",
        "materials": ["问题说明", "出口合同"], "steps": ["在线点单", "律师答复"], "time_limit": "4个工作日内答复",
        "fee": "免费", "department": "浦江县司法局", "contact": "法治服务窗口", "requires_adviser": True,
        "form_fields": ["enterprise_name", "contact_name", "phone", "description", "consent"],
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, *services: dict[str, Any]) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "services": list(services)}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_curators_service_without_english_loads_untranslated(tmp_path: Path) -> None:
    svc = load_catalogue(_write(tmp_path, _service())).services[0]
    assert svc.untranslated() == list(EN_FIELDS)
    assert svc.fee_en is None and svc.materials_en is None


def test_a_blank_twin_is_an_untranslated_one(tmp_path: Path) -> None:
    svc = load_catalogue(_write(tmp_path, _service(fee_en="  ", materials_en=[], steps_en=["", " "],
                                                   time_limit_en="Within 4 working days"))).services[0]
    assert (svc.fee_en, svc.materials_en, svc.steps_en) == (None, None, None)
    assert svc.time_limit_en == "Within 4 working days" and "time_limit_en" not in svc.untranslated()


def test_a_list_twin_of_another_length_is_refused_naming_both_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, _service(materials_en=["A description of the question"],
                                     steps_en=["Order online", "A lawyer answers", "Feedback"]))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    who = f"{path}: service 'export-licence-help': field"
    each = "give one English line for each Chinese line"
    assert info.value.errors == [f"{who} 'materials_en': has 1 line(s) but 'materials' has 2: {each}",
                                 f"{who} 'steps_en': has 3 line(s) but 'steps' has 2: {each}"]


def test_a_blank_line_inside_a_list_twin_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _service(materials_en=["A description of the question", " "]))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert info.value.errors == [f"{path}: service 'export-licence-help': field 'materials_en[1]': must not be empty"]
