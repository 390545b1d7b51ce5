"""The order-style (点单式) service catalogue: typed models, validation, loading from YAML.

Staff curate ``content/catalogue/services.yaml``; loading checks every entry and reports all
problems at once, one per line, each naming the file, the service and the field.

Each field an enterprise reads has an English twin (``eligibility_en`` … ``contact_en``, ``EN_FIELDS``) for
foreign-related enterprises. The twins are optional in the model, not required: a service a curator added or edited
before translating it must still load and be offered (English readers then get the Chinese, marked as such); the
shipped file is held to having every twin by its test (``Service.untranslated``).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

CATEGORIES: dict[str, str] = {
    "法律咨询": "Legal consultation",
    "服务代办": "Agency services",
    "业务指引": "Business guidance",
    "协调监督": "Coordination and supervision",
}
SCENARIOS: dict[str, str] = {
    "依法治企": "Law-based governance",
    "依法维权": "Rights protection",
    "依法经营": "Law-based operation",
}
# The order form's standard fields, in the order a form shows them.
FORM_FIELDS: tuple[str, ...] = (
    "enterprise_name", "credit_code", "contact_name", "phone", "preferred_time", "description",
    "consent",
)  # fmt: skip
REQUIRED_FORM_FIELDS: tuple[str, ...] = (
    "enterprise_name", "contact_name", "phone", "description", "consent",
)  # fmt: skip
DEFAULT_PATH: Path = Path(__file__).parent / "content/catalogue/services.yaml"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TextList = Annotated[tuple[Text, ...], Field(min_length=1)]


# English twin -> the Chinese field it translates, in the order a card shows them
EN_FIELDS: dict[str, str] = {
    "eligibility_en": "eligibility", "materials_en": "materials", "steps_en": "steps",
    "time_limit_en": "time_limit", "fee_en": "fee", "department_en": "department", "contact_en": "contact",
}  # fmt: skip
EN_LISTS: tuple[str, ...] = ("materials_en", "steps_en")


class CatalogueError(ValueError):
    """The catalogue file cannot be used; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def _one_of(value: str, allowed: dict[str, str]) -> str:
    if value not in allowed:
        raise ValueError(f"'{value}' is not one of {', '.join(allowed)}")
    return value


def _no_repeats(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"repeated value(s): {', '.join(repeated)}")
    return values


class Service(BaseModel):
    """One orderable service, as an enterprise sees it on the menu and in the order form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: Text
    name_en: Text
    category: str
    scenarios: TextList
    tags: TextList
    summary: Text
    summary_en: Text
    eligibility: Text
    eligibility_en: Text | None = None
    materials: TextList
    materials_en: TextList | None = None
    steps: TextList
    steps_en: TextList | None = None
    time_limit: Text
    time_limit_en: Text | None = None
    fee: Text
    fee_en: Text | None = None
    department: Text
    department_en: Text | None = None
    contact: Text
    contact_en: Text | None = None
    requires_adviser: StrictBool
    form_fields: TextList

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(f"'{value}' is not a slug of lowercase letters, digits and hyphens")
        return value

    @field_validator(*EN_FIELDS, mode="before")
    @classmethod
    def _blank_is_untranslated(cls, value: Any) -> Any:
        """A blank twin (an emptied console field, ``fee_en: ""``, an empty list) means "not translated yet"."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, list | tuple) and all(isinstance(v, str) and not v.strip() for v in value):
            return None
        return value

    @field_validator(*EN_LISTS)
    @classmethod
    def _one_line_per_chinese_line(cls, value: tuple[str, ...] | None,
                                   info: ValidationInfo) -> tuple[str, ...] | None:
        """Materials and steps are read side by side (step 3 in English is step 3 in Chinese): same count."""
        zh_field = EN_FIELDS[str(info.field_name)]
        chinese = info.data.get(zh_field)
        if value is not None and chinese is not None and len(value) != len(chinese):
            raise ValueError(f"has {len(value)} line(s) but '{zh_field}' has {len(chinese)}: "
                             f"give one English line for each Chinese line")
        return value

    @field_validator("category")
    @classmethod
    def _check_category(cls, value: str) -> str:
        return _one_of(value, CATEGORIES)

    @field_validator("scenarios")
    @classmethod
    def _check_scenarios(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            _one_of(item, SCENARIOS)
        return _no_repeats(value)

    @field_validator("form_fields")
    @classmethod
    def _check_form_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [f for f in value if f not in FORM_FIELDS]
        if unknown:
            allowed = ", ".join(FORM_FIELDS)
            raise ValueError(f"unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
        missing = [f for f in REQUIRED_FORM_FIELDS if f not in value]
        if missing:
            raise ValueError(f"missing required key(s) {', '.join(missing)}")
        if value[-1] != "consent":
            raise ValueError("'consent' must be the last field")
        return _no_repeats(value)

    def untranslated(self) -> list[str]:
        """The English twins this service lacks (empty for every shipped service)."""
        return [en for en in EN_FIELDS if getattr(self, en) is None]

    @property
    def category_en(self) -> str:
        return CATEGORIES[self.category]

    @property
    def scenarios_en(self) -> list[str]:
        return [SCENARIOS[s] for s in self.scenarios]

    def to_public_dict(self) -> dict[str, Any]:
        """All fields plus the English category and scenario labels, JSON-ready."""
        data = self.model_dump(mode="json")
        data["category_en"] = self.category_en
        data["scenarios_en"] = self.scenarios_en
        return data


class UnknownGroup(ValueError):
    """A category or scenario name the catalogue does not know; ``kind`` says which."""

    def __init__(self, kind: str, value: str, known: list[str]) -> None:
        self.kind = kind
        super().__init__(f"unknown {kind} '{value}'; expected one of {', '.join(known)}")


def _canonical(value: str, mapping: dict[str, str], kind: str) -> str:
    """Accept a Chinese key or its English label; return the Chinese key."""
    for key, label in mapping.items():
        if value in (key, label) or value.casefold() == label.casefold():
            return key
    raise UnknownGroup(kind, value, list(mapping))


class Catalogue(BaseModel):
    """The whole menu. Lookups keep the file's order within each group."""

    model_config = ConfigDict(frozen=True)

    version: int = 1
    services: tuple[Service, ...]

    def replace(self, service: Service) -> None:
        """Put an edited service in place of the one with its id. The catalogue is shared by reference (engine,
        order desk, forms), so it changes in place: every holder sees the edit at once."""
        services = tuple(service if s.id == service.id else s for s in self.services)
        object.__setattr__(self, "services", services)  # frozen for everyone else; this is the one way to edit

    def get(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def by_category(self, category: str) -> list[Service]:
        """Services in a category, named in Chinese (法律咨询) or English."""
        key = _canonical(category, CATEGORIES, "category")
        return [s for s in self.services if s.category == key]

    def by_scenario(self, scenario: str) -> list[Service]:
        """Services for a scenario, named in Chinese (依法维权) or English."""
        key = _canonical(scenario, SCENARIOS, "scenario")
        return [s for s in self.services if key in s.scenarios]

    def categories(self) -> list[str]:
        """Categories that have at least one service, in the canonical menu order."""
        present = {s.category for s in self.services}
        return [c for c in CATEGORIES if c in present]


def _where(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    return field + "".join(f"[{part}]" for part in loc[1:])


def _message(error: ErrorDetails) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind.endswith(("_type", "_parsing")):
        return f"{msg}, got {error.get('input')!r} (quote it in YAML if it is text)"
    return msg.removeprefix("Value error, ")


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key repeated in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, Hashable):
            if key in seen:
                problem = f"duplicate key '{key}'"
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError([f"{path}: cannot read the file ({exc})"]) from exc
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise CatalogueError([f"{path}: {where}: malformed YAML: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise CatalogueError([f"{path}: malformed YAML: {exc}"]) from exc


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Load and validate the catalogue; raise CatalogueError listing every problem found."""
    path = DEFAULT_PATH if path is None else Path(path)
    data = _read(path)
    if not isinstance(data, dict):
        raise CatalogueError([f"{path}: the top level must be a mapping of 'version', 'services'"])
    errors: list[str] = []
    if data.get("version") != 1:
        errors.append(f"{path}: field 'version': must be 1, got {data.get('version')!r}")
    extra = sorted(str(k) for k in data if k not in {"version", "services"})
    if extra:
        errors.append(f"{path}: unknown top-level field(s): {', '.join(extra)}")
    raw_services = data.get("services")
    if not isinstance(raw_services, list) or not raw_services:
        raise CatalogueError([*errors, f"{path}: field 'services': must be a non-empty list"])
    services: list[Service] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(raw_services, start=1):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        sid = raw_id if isinstance(raw_id, str) and raw_id else ""
        who = f"{path}: service '{sid}'" if sid else f"{path}: service #{index}"
        if not isinstance(raw, dict):
            errors.append(f"{who}: must be a mapping of fields, got {type(raw).__name__}")
            continue
        if sid in first_seen:
            errors.append(f"{who}: field 'id': duplicate id (also service #{first_seen[sid]})")
        elif sid:
            first_seen[sid] = index
        try:
            services.append(Service.model_validate(raw))
        except ValidationError as exc:
            errors.extend(f"{who}: field '{_where(e['loc'])}': {_message(e)}" for e in exc.errors())
    if errors:
        raise CatalogueError(errors)
    return Catalogue(version=1, services=tuple(services))
