"""A service's card fields as an English reader gets them: the English twin (``fee_en`` …) where the catalogue has
one, else the Chinese under a label marked "(in Chinese)" — a service a curator added or edited without translating
it is still offered, and the reader is told why the text is Chinese rather than left to wonder."""

from __future__ import annotations

from knowledge.catalogue import Service

IN_CHINESE = "(in Chinese)"
# the card's labels in English, by the Chinese field they show
LABELS = {"eligibility": "Who may apply", "materials": "Materials", "steps": "Steps", "time_limit": "Time limit",
          "fee": "Fee", "department": "Department", "contact": "Contact"}


def en_text(svc: Service, field: str) -> tuple[str, bool]:
    """(the English twin, True), or (the Chinese, False) when the service has no twin for ``field``."""
    english = getattr(svc, f"{field}_en")
    return (str(english), True) if english is not None else (str(getattr(svc, field)), False)


def en_lines(svc: Service, field: str) -> tuple[tuple[str, ...], bool]:
    """The list field's English lines, or its Chinese ones and False."""
    english = getattr(svc, f"{field}_en")
    return (tuple(english), True) if english is not None else (tuple(getattr(svc, field)), False)


def en_label(label: str, translated: bool) -> str:
    return label if translated else f"{label} {IN_CHINESE}"


def en_joined(svc: Service, field: str) -> tuple[str, bool]:
    """A list field on one line: "; " between English lines, "；" between Chinese ones."""
    lines, translated = en_lines(svc, field)
    return ("; " if translated else "；").join(lines), translated


def en_field(svc: Service, field: str, label: str | None = None) -> str:
    """``"Fee: Free of charge"``, or ``"Fee (in Chinese): 免费"`` for a service without ``fee_en``."""
    if field in ("materials", "steps"):
        value, translated = en_joined(svc, field)
    else:
        value, translated = en_text(svc, field)
    return f"{en_label(label or LABELS[field], translated)}: {value}"
