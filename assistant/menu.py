"""The service menu: categories, then the services of one category, as text plus suggestions."""

from __future__ import annotations

from assistant.reply import Suggestion
from assistant.services import service_name
from assistant.texts import t
from knowledge.catalogue import CATEGORIES, SCENARIOS, Catalogue


def menu(catalogue: Catalogue, lang: str) -> tuple[str, list[Suggestion]]:
    lines = [t("menu_intro", lang)]
    suggestions: list[Suggestion] = []
    for cat in catalogue.categories():
        services = catalogue.by_category(cat)
        label = f"{cat} {CATEGORIES[cat]}" if lang == "en" else cat
        names = "、".join(s.name for s in services[:4]) if lang == "zh" else ", ".join(s.name_en for s in services[:3])
        count = len(services)
        lines.append(f"· {label}（{count}）：{names}…" if lang == "zh" else f"· {label} ({count}): {names}…")
        suggestions.append(Suggestion(label, f"/category {cat}", "category"))
    lines.append(t("menu_scenarios", lang))
    for sc, en in SCENARIOS.items():
        suggestions.append(Suggestion(f"{sc} {en}" if lang == "en" else sc, f"/scenario {sc}", "scenario"))
    lines.append(t("menu_checkup", lang))
    suggestions.append(Suggestion(t("checkup_label", lang), "/checkup", "checkup"))
    return "\n".join(lines), suggestions


def category_listing(catalogue: Catalogue, key: str, lang: str) -> tuple[str, list[Suggestion]] | None:
    if key in CATEGORIES:
        services = catalogue.by_category(key)
        head = f"{key} {CATEGORIES[key]}" if lang == "en" else key
    elif key in SCENARIOS:
        services = catalogue.by_scenario(key)
        head = f"{key} {SCENARIOS[key]}" if lang == "en" else key
    else:
        return None
    lines = [f"【{head}】"]
    suggestions = []
    for svc in services:
        summary = svc.summary_en if lang == "en" else svc.summary
        lines.append(f"· {service_name(svc, lang)}：{summary}")
        suggestions.append(Suggestion(service_name(svc, lang), f"/service {svc.id}", "service"))
    return "\n".join(lines), suggestions
