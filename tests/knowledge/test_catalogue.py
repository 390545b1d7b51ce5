"""The order-style service catalogue: the shipped file, lookups, and every way a bad file fails."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.catalogue import (
    CATEGORIES,
    DEFAULT_PATH,
    FORM_FIELDS,
    SCENARIOS,
    Catalogue,
    CatalogueError,
    Service,
    load_catalogue,
)


@pytest.fixture(scope="module")
def shipped() -> Catalogue:
    return load_catalogue()


def _text(service: Service) -> str:
    return " ".join([service.name, service.summary, *service.tags])


# ------------------------------------------------------------------ the shipped catalogue


def test_shipped_catalogue_has_enough_unique_services(shipped: Catalogue) -> None:
    ids = [s.id for s in shipped.services]
    assert len(ids) >= 22
    assert len(set(ids)) == len(ids)
    assert load_catalogue(DEFAULT_PATH) == shipped


def test_shipped_catalogue_covers_every_category_in_canonical_order(shipped: Catalogue) -> None:
    assert shipped.categories() == ["法律咨询", "服务代办", "业务指引", "协调监督"]
    for category in CATEGORIES:
        assert len(shipped.by_category(category)) >= 3, category


def test_shipped_catalogue_covers_every_scenario(shipped: Catalogue) -> None:
    for scenario in SCENARIOS:
        assert len(shipped.by_scenario(scenario)) >= 5, scenario


@pytest.mark.parametrize(
    ("service_id", "must_mention"),
    [
        ("enterprise-legal-health-check", "法治体检"),
        ("crystal-industry-compliance", "水晶"),
        ("padlock-industry-compliance", "挂锁"),
        ("quilting-industry-compliance", "绗缝"),
        ("foreign-related-enterprise-support", "涉外"),
        ("foreign-related-legal-consultation", "涉外"),
        ("pre-litigation-mediation-notarisation", "诉前调解"),
        ("three-station-mediation", "三所联动"),
        ("six-linkage-mediation", "六调联动"),
        ("administrative-reconsideration-application", "行政复议"),
        ("notification-commitment-guidance", "告知承诺"),
        ("law-enforcement-supervision-12345", "12345"),
        ("contract-review", "合同审查"),
        ("labour-relations-guidance", "劳动用工"),
        ("legal-adviser-matching", "法律顾问"),
        ("notarisation-agency", "公证"),
        ("ip-protection-consultation", "知识产权"),
        ("company-setup-legal-guidance", "企业设立"),
        ("administrative-penalty-compliance-coaching", "行政处罚"),
    ],
)
def test_required_topics_are_on_the_menu(
    shipped: Catalogue, service_id: str, must_mention: str
) -> None:
    service = shipped.get(service_id)
    assert service is not None, f"missing service {service_id}"
    assert must_mention in _text(service)


def test_topics_sit_in_the_expected_categories(shipped: Catalogue) -> None:
    def category(service_id: str) -> str:
        service = shipped.get(service_id)
        assert service is not None
        return service.category

    assert category("contract-review") == "法律咨询"
    assert category("administrative-reconsideration-application") == "服务代办"
    assert category("crystal-industry-compliance") == "业务指引"
    assert category("law-enforcement-supervision-12345") == "协调监督"
    assert category("three-station-mediation") == "协调监督"


def test_every_form_ends_with_consent_in_canonical_order(shipped: Catalogue) -> None:
    for service in shipped.services:
        fields = list(service.form_fields)
        assert fields[-1] == "consent", service.id
        assert {"enterprise_name", "contact_name", "phone", "description"} <= set(fields)
        assert [f for f in FORM_FIELDS if f in fields] == fields, service.id
    with_credit_code = [s for s in shipped.services if "credit_code" in s.form_fields]
    assert len(with_credit_code) > len(shipped.services) / 2


def test_basic_services_are_free_and_notary_fees_follow_the_schedule(shipped: Catalogue) -> None:
    for service in shipped.services:
        assert "免费" in service.fee, service.id
        if "公证费" in service.fee:
            assert "收费标准" in service.fee, service.id
    notary = shipped.get("notarisation-agency")
    assert notary is not None
    assert "公证费" in notary.fee


def test_no_invented_phone_numbers(shipped: Catalogue) -> None:
    for service in shipped.services:
        for value in (service.contact, service.department, *service.steps):
            assert not re.search(r"\d{6,}|\d{3,4}-\d{6,8}", value), (service.id, value)
    hotline = shipped.get("law-enforcement-supervision-12345")
    assert hotline is not None
    assert "12345政务服务便民热线" in hotline.contact


def test_some_services_need_no_adviser(shipped: Catalogue) -> None:
    flags = {s.id: s.requires_adviser for s in shipped.services}
    assert flags["notification-commitment-guidance"] is False
    assert flags["administrative-reconsideration-application"] is True


# ------------------------------------------------------------------ lookups and the public view


def test_get_returns_none_for_an_unknown_id(shipped: Catalogue) -> None:
    assert shipped.get("no-such-service") is None
    found = shipped.get("contract-review")
    assert found is not None
    assert found.name == "合同审查"


def test_lookups_accept_english_labels_and_refuse_unknown_names(shipped: Catalogue) -> None:
    assert shipped.by_category("Agency services") == shipped.by_category("服务代办")
    assert shipped.by_scenario("rights protection") == shipped.by_scenario("依法维权")
    with pytest.raises(ValueError, match="unknown category '法律服务'"):
        shipped.by_category("法律服务")
    with pytest.raises(ValueError, match="unknown scenario"):
        shipped.by_scenario("依法办事")


def test_by_scenario_keeps_file_order(shipped: Catalogue) -> None:
    expected = [s.id for s in shipped.services if "依法维权" in s.scenarios]
    assert [s.id for s in shipped.by_scenario("依法维权")] == expected


def test_public_dict_has_all_fields_and_english_labels(shipped: Catalogue) -> None:
    service = shipped.get("pre-litigation-mediation-notarisation")
    assert service is not None
    public = service.to_public_dict()
    assert set(Service.model_fields) <= set(public)
    assert public["category_en"] == "Coordination and supervision"
    assert public["scenarios_en"] == ["Rights protection"]
    assert public["form_fields"][-1] == "consent"
    assert json.loads(json.dumps(public, ensure_ascii=False)) == public


def test_services_are_immutable(shipped: Catalogue) -> None:
    service = shipped.services[0]
    with pytest.raises(ValueError, match="frozen"):
        service.name = "changed"  # type: ignore[misc, unused-ignore]


# ------------------------------------------------------------------ broken files


def _service(**changes: object) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "contract-review",
        "name": "合同审查",
        "name_en": "Contract review",
        "category": "法律咨询",
        "scenarios": ["依法经营"],
        "tags": ["合同", "contract"],
        "summary": "审查合同。",
        "summary_en": "Reviews contracts.",
        "eligibility": "县内企业。",
        "materials": ["合同文本"],
        "steps": ["点单", "审查"],
        "time_limit": "3个工作日内答复",
        "fee": "免费",
        "department": "浦江县司法局",
        "contact": "县企业综合服务中心法治服务窗口",
        "requires_adviser": True,
        "form_fields": ["enterprise_name", "contact_name", "phone", "description", "consent"],
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, services: list[Any]) -> Path:
    path = tmp_path / "services.yaml"
    text = yaml.safe_dump({"version": 1, "services": services}, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert isinstance(info.value, ValueError)
    lines = str(info.value).splitlines()
    assert lines == info.value.errors
    for line in lines:
        assert line.startswith(f"{path}: "), line
    return lines


def test_a_minimal_valid_file_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(_write(tmp_path, [_service()]))
    assert [s.id for s in catalogue.services] == ["contract-review"]
    assert catalogue.services[0].category_en == "Legal consultation"


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str, str, str]] = [
    (
        "unknown category",
        lambda d: d.update(category="法律服务"),
        "service 'contract-review'",
        "category",
        "'法律服务' is not one of 法律咨询, 服务代办, 业务指引, 协调监督",
    ),
    (
        "unknown scenario",
        lambda d: d.update(scenarios=["依法经营", "依法办事"]),
        "service 'contract-review'",
        "scenarios",
        "'依法办事' is not one of 依法治企, 依法维权, 依法经营",
    ),
    (
        "repeated scenario",
        lambda d: d.update(scenarios=["依法经营", "依法经营"]),
        "service 'contract-review'",
        "scenarios",
        "repeated value(s): 依法经营",
    ),
    (
        "empty scenarios",
        lambda d: d.update(scenarios=[]),
        "service 'contract-review'",
        "scenarios",
        "must not be empty",
    ),
    (
        "empty materials",
        lambda d: d.update(materials=[]),
        "service 'contract-review'",
        "materials",
        "must not be empty",
    ),
    (
        "empty tags",
        lambda d: d.update(tags=[]),
        "service 'contract-review'",
        "tags",
        "must not be empty",
    ),
    ("missing id", _drop("id"), "service #1", "id", "is required"),
    (
        "bad id format",
        lambda d: d.update(id="Contract_Review"),
        "service 'Contract_Review'",
        "id",
        "'Contract_Review' is not a slug",
    ),
    ("missing summary", _drop("summary"), "service 'contract-review'", "summary", "is required"),
    ("missing fee", _drop("fee"), "service 'contract-review'", "fee", "is required"),
    (
        "blank name",
        lambda d: d.update(name="   "),
        "service 'contract-review'",
        "name",
        "must not be empty",
    ),
    (
        "number where text is expected",
        lambda d: d.update(tags=[12345, "热线"]),
        "service 'contract-review'",
        "tags[0]",
        "got 12345",
    ),
    (
        "string where a bool is expected",
        lambda d: d.update(requires_adviser="maybe"),
        "service 'contract-review'",
        "requires_adviser",
        "got 'maybe'",
    ),
    (
        "misspelt field",
        lambda d: d.update(catgory="法律咨询"),
        "service 'contract-review'",
        "catgory",
        "is not a known field",
    ),
    (
        "form field outside the standard set",
        lambda d: d.update(form_fields=["enterprise_name", "email", "contact_name", "phone",
                                        "description", "consent"]),
        "service 'contract-review'",
        "form_fields",
        "unknown key(s) email",
    ),
    (
        "form without consent",
        lambda d: d.update(form_fields=["enterprise_name", "contact_name", "phone", "description"]),
        "service 'contract-review'",
        "form_fields",
        "missing required key(s) consent",
    ),
    (
        "consent not last",
        lambda d: d.update(form_fields=["consent", "enterprise_name", "contact_name", "phone",
                                        "description"]),
        "service 'contract-review'",
        "form_fields",
        "'consent' must be the last field",
    ),
    (
        "form without phone",
        lambda d: d.update(form_fields=["enterprise_name", "contact_name", "description",
                                        "consent"]),
        "service 'contract-review'",
        "form_fields",
        "missing required key(s) phone",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "who", "field", "fragment"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_entry_names_file_service_and_field(
    tmp_path: Path,
    mutate: Callable[[dict[str, Any]], None],
    who: str,
    field: str,
    fragment: str,
) -> None:
    data = _service()
    mutate(data)
    path = _write(tmp_path, [data])
    errors = _errors(path)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}: {who}: field '{field}': "), errors[0]
    assert fragment in errors[0]
    assert "services.yaml" in errors[0]


def test_the_brief_example_message_is_exact(tmp_path: Path) -> None:
    path = _write(tmp_path, [_service(category="法律服务")])
    assert _errors(path) == [
        f"{path}: service 'contract-review': field 'category': "
        "'法律服务' is not one of 法律咨询, 服务代办, 业务指引, 协调监督"
    ]


def test_duplicate_id_names_both_positions(tmp_path: Path) -> None:
    path = _write(tmp_path, [_service(), _service(id="notary"), _service(name="重复")])
    assert _errors(path) == [
        f"{path}: service 'contract-review': field 'id': duplicate id (also service #1)"
    ]


def test_all_errors_are_reported_one_per_line(tmp_path: Path) -> None:
    first = _service(category="法律服务", materials=[])
    second = _service(id="second", scenarios=["依法办事"])
    del second["contact"]
    path = _write(tmp_path, [first, second, "not a mapping"])
    errors = _errors(path)
    assert len(errors) == 5, errors
    assert any("service 'contract-review': field 'category'" in e for e in errors)
    assert any("service 'contract-review': field 'materials'" in e for e in errors)
    assert any("service 'second': field 'scenarios'" in e for e in errors)
    assert any("service 'second': field 'contact': is required" in e for e in errors)
    assert any("service #3: must be a mapping of fields, got str" in e for e in errors)


def test_index_is_used_when_the_id_is_not_text(tmp_path: Path) -> None:
    path = _write(tmp_path, [_service(), _service(id=42)])
    errors = _errors(path)
    assert errors == [f"{path}: service #2: field 'id': Input should be a valid string, got 42 "
                      "(quote it in YAML if it is text)"]


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("- just\n- a list\n", "the top level must be a mapping"),
        ("version: 1\nservices: []\n", "field 'services': must be a non-empty list"),
        ("version: 1\n", "field 'services': must be a non-empty list"),
        ("", "the top level must be a mapping"),
    ],
)
def test_bad_top_level_names_the_file(tmp_path: Path, document: str, fragment: str) -> None:
    path = tmp_path / "services.yaml"
    path.write_text(document, encoding="utf-8")
    errors = _errors(path)
    assert any(fragment in e for e in errors), errors


def test_wrong_version_and_unknown_top_level_keys_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    body = yaml.safe_dump({"version": 2, "servics": [], "services": [_service()]},
                          allow_unicode=True)
    path.write_text(body, encoding="utf-8")
    assert _errors(path) == [
        f"{path}: field 'version': must be 1, got 2",
        f"{path}: unknown top-level field(s): servics",
    ]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    path.write_text("version: 1\nservices:\n  - id: a\n    summary: one: two\n", encoding="utf-8")
    errors = _errors(path)
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}: line 4, column ")
    assert "malformed YAML" in errors[0]


def test_unclosed_bracket_names_file_and_a_line(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    path.write_text("version: 1\nservices:\n  - id: a\n    tags: [合同, 审查\n", encoding="utf-8")
    errors = _errors(path)
    assert re.match(rf"{re.escape(str(path))}: line \d+, column \d+: malformed YAML", errors[0])


def test_repeated_key_is_refused_not_silently_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    path.write_text(
        "version: 1\nservices:\n  - id: a\n    tags: [合同]\n    tags: [审查]\n", encoding="utf-8"
    )
    errors = _errors(path)
    assert errors[0].startswith(f"{path}: line 5, column 5: malformed YAML: duplicate key 'tags'")


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "services.yaml"
    errors = _errors(path)
    assert errors[0].startswith(f"{path}: cannot read the file")


def test_non_utf8_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "services.yaml"
    path.write_bytes("version: 1\nservices:\n  - name: 合同审查\n".encode("gb18030"))
    errors = _errors(path)
    assert errors[0].startswith(f"{path}: cannot read the file")
