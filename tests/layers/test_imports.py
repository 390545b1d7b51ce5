"""The import layers, read from the source with ``ast`` (every import, also those inside functions):

    channels (api, bot, cli) -> composition -> domains (assistant, orders, handoffs, staff, sites; ingest)
    -> knowledge -> db, config

Nothing imports upward; no two modules (and no two packages) import each other, directly or round a circle;
a package never imports another package's private names (``_x``); the conversation and the knowledge base
never import a web or Telegram framework.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RANK = {"api": 4, "bot": 4, "cli": 4, "composition": 3, "assistant": 2, "orders": 2, "handoffs": 2, "staff": 2,
        "sites": 2, "curation": 2, "reporting": 2, "ingest": 2, "checkups": 2, "alerts": 2, "knowledge": 1,
        "db": 0, "config": 0,
        "privacy": 0}
FRAMEWORKS = ("fastapi", "starlette", "sse_starlette", "telegram", "uvicorn")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for pkg in RANK for p in (REPO / pkg).rglob("*.py")
           if "migrations" not in p.parts}


def imports_of(name: str) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import statement of the module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            out.append((base, [a.name for a in node.names]))
    return out


def internal_edges() -> dict[str, set[str]]:
    """Module -> the project's modules it imports (``from pkg import sub`` counts as importing pkg.sub)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        for target, names in imports_of(name):
            if target.split(".")[0] not in RANK:
                continue
            for n in names:
                if f"{target}.{n}" in MODULES:
                    graph[name].add(f"{target}.{n}")
            if target in MODULES:
                graph[name].add(target)
            # importing a submodule runs its packages' __init__ first (but not one the importer is already inside)
            parts = target.split(".")
            graph[name].update(pkg for pkg in (".".join(parts[:i]) for i in range(1, len(parts)))
                               if pkg in MODULES and not name.startswith(pkg + "."))
        graph[name].discard(name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_sees_every_package() -> None:
    assert {m.split(".")[0] for m in MODULES} == set(RANK)
    assert "orders.desk" in internal_edges()["api.routers.orders"] or "orders" in internal_edges()["api.routers.orders"]


def test_nothing_imports_upward() -> None:
    upward = [(m, t) for m, targets in internal_edges().items() for t in targets
              if RANK[t.split(".")[0]] > RANK[m.split(".")[0]]]
    assert upward == []


def test_no_import_cycle_between_modules() -> None:
    assert find_cycle(internal_edges()) is None


def test_no_import_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = defaultdict(set)
    for m, targets in internal_edges().items():
        packages[m.split(".")[0]].update(t.split(".")[0] for t in targets if t.split(".")[0] != m.split(".")[0])
    assert find_cycle(packages) is None
    # the conversation is the domains' base
    assert not packages["assistant"] & {"orders", "handoffs", "staff", "sites", "alerts"}
    assert packages["sites"] <= {"db", "config"}  # web sites build on the store alone


def test_no_package_takes_another_packages_private_names() -> None:
    private = [(m, target, n) for m in MODULES for target, names in imports_of(m)
               if target.split(".")[0] in RANK and target.split(".")[0] != m.split(".")[0]
               for n in names if n.startswith("_") and n != "__future__"]
    private += [(m, target, "") for m in MODULES for target, _ in imports_of(m)
                if target.split(".")[0] in RANK and target.split(".")[0] != m.split(".")[0]
                and any(p.startswith("_") and p != "__init__" for p in target.split("."))]
    assert private == []


@pytest.mark.parametrize("package", ["assistant", "knowledge", "orders", "handoffs", "staff", "sites", "curation",
                                     "reporting", "db", "config", "privacy", "alerts"])
def test_below_the_channels_no_web_or_telegram_framework(package: str) -> None:
    found = [(m, t) for m in MODULES if m.split(".")[0] == package for t, _ in imports_of(m)
             if t.split(".")[0] in FRAMEWORKS]
    assert found == []


def test_a_cycle_would_be_found() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None
