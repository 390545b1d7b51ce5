"""Load and validate the questionnaires shipped in ``checkups/content/*.yaml``.

Every problem is reported at once, one per line, each naming the file, the question and the field (like the
service catalogue's loader): schema errors, a question id used twice (in any file), a ``depends_on`` that names
no earlier question of the file, a service the catalogue does not have, a legal basis whose document or article
is not in the shipped statutes pack.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from checkups.basis import Statutes
from checkups.schema import Question, Questionnaire
from knowledge.catalogue import Catalogue

CONTENT_DIR = Path(__file__).parent / "content"
TOP_FIELDS = ("version", "id", "title", "title_en", "industry", "industry_en", "summary", "summary_en", "questions")


class QuestionnaireError(ValueError):
    """The questionnaires cannot be used; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key repeated in one mapping (PyYAML would keep the last)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, Hashable) and key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([f"{path.name}: cannot read the file ({exc})"]) from exc


def parse_yaml(name: str, text: str) -> object:
    """The YAML text of a questionnaire (``name`` is its file name, for the messages)."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        raise QuestionnaireError([f"{name}: {where}: malformed YAML: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{name}: malformed YAML: {exc}"]) from exc


def _message(error: ErrorDetails) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind == "literal_error" and isinstance(error.get("input"), bool):
        return f"{msg}, got {error.get('input')!r} (quote yes / no in YAML: \"yes\")"
    if kind.endswith(("_type", "_parsing")):
        return f"{msg}, got {error.get('input')!r}"
    return msg.removeprefix("Value error, ")


def _field(loc: tuple[int | str, ...]) -> str:
    return (str(loc[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])) if loc else "?"


def _check_file(name: str, data: object, errors: list[str]) -> Questionnaire | None:
    if not isinstance(data, dict):
        errors.append(f"{name}: the top level must be a mapping of {', '.join(TOP_FIELDS)}")
        return None
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        errors.append(f"{name}: field 'questions': must be a non-empty list")
        return None
    before = len(errors)
    for index, q in enumerate(raw, start=1):
        qid = q.get("id") if isinstance(q, dict) and isinstance(q.get("id"), str) else None
        who = f"{name}: question '{qid}'" if qid else f"{name}: question #{index}"
        if not isinstance(q, dict):
            errors.append(f"{who}: must be a mapping of fields, got {type(q).__name__}")
            continue
        try:
            Question.model_validate(q)
        except ValidationError as exc:
            errors.extend(f"{who}: field '{_field(e['loc']) if e['loc'] else 'question'}': {_message(e)}"
                          for e in exc.errors())
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        if len(errors) == before:  # the questions were fine: the problem is at the top level
            errors.extend(f"{name}: field '{_field(e['loc'])}': {_message(e)}" for e in exc.errors()
                          if not e["loc"] or e["loc"][0] != "questions" or len(e["loc"]) == 1)
        return None
    return questionnaire


def _check_references(name: str, qn: Questionnaire, catalogue: Catalogue, statutes: Statutes,
                      seen: dict[str, str], errors: list[str]) -> None:
    earlier: dict[str, Question] = {}
    for q in qn.questions:
        who = f"{name}: question '{q.id}'"
        if q.id in seen:
            errors.append(f"{who}: field 'id': duplicate id (also in {seen[q.id]})")
        seen[q.id] = name
        if q.depends_on is not None:
            parent = earlier.get(q.depends_on.question)
            if parent is None:
                errors.append(f"{who}: field 'depends_on.question': '{q.depends_on.question}' is not an earlier "
                              f"question of this questionnaire")
        for sid in q.services:
            if catalogue.get(sid) is None:
                errors.append(f"{who}: field 'services': unknown service '{sid}' (not in the catalogue)")
        for i, b in enumerate(q.basis):
            if not statutes.has_document(b.document):
                errors.append(f"{who}: field 'basis[{i}].document': unknown document '{b.document}' "
                              f"(not in the shipped statutes pack)")
            elif statutes.quote(b.document, b.article) is None:
                errors.append(f"{who}: field 'basis[{i}].article': {b.document} has no article {b.article}")
        earlier[q.id] = q


def load_questionnaires(catalogue: Catalogue, statutes: Statutes, folder: Path | None = None) -> list[Questionnaire]:
    """Every ``*.yaml`` of ``folder`` (the shipped content by default), in file-name order; QuestionnaireError
    lists every problem found."""
    return check_sources(read_sources(folder), catalogue, statutes)


def read_sources(folder: Path | None = None) -> list[tuple[str, str]]:
    """(file name, YAML text) of every ``*.yaml`` of ``folder`` (the shipped content by default), by file name."""
    folder = CONTENT_DIR if folder is None else Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise QuestionnaireError([f"{folder}: no questionnaire (*.yaml) found"])
    errors: list[str] = []
    out: list[tuple[str, str]] = []
    for path in files:
        try:
            out.append((path.name, _read(path)))
        except QuestionnaireError as exc:
            errors.extend(exc.errors)
    if errors:
        raise QuestionnaireError(errors)
    return out


def check_sources(sources: list[tuple[str, str]], catalogue: Catalogue, statutes: Statutes) -> list[Questionnaire]:
    """The questionnaires of (file name, YAML text) pairs, in that order, checked as one set (ids unique across
    files, references to the catalogue and the statutes pack); QuestionnaireError lists every problem found.
    The shipped files and a curator's edit (``checkups.desk.Checkups.edit``) go through this same check."""
    errors: list[str] = []
    out: list[Questionnaire] = []
    seen_ids: dict[str, str] = {}
    seen_questions: dict[str, str] = {}
    for name, text in sources:
        try:
            data = parse_yaml(name, text)
        except QuestionnaireError as exc:
            errors.extend(exc.errors)
            continue
        qn = _check_file(name, data, errors)
        if qn is None:
            continue
        if qn.id in seen_ids:
            errors.append(f"{name}: field 'id': duplicate questionnaire id '{qn.id}' (also {seen_ids[qn.id]})")
        seen_ids[qn.id] = name
        _check_references(name, qn, catalogue, statutes, seen_questions, errors)
        out.append(qn)
    if errors:
        raise QuestionnaireError(errors)
    return out
