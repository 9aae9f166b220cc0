"""The house's layers, read from the code's own imports (every import, also those inside functions).

- ``portal/core`` is the ground floor: it imports nothing but itself, ``portal.config`` and ``portal.extensions``.
- Between the domain packages, imports point one way: the package graph has no cycle.
- Only the composition root (``portal/__init__.py``, ``portal/app.py``) and the top-level commands
  (``portal/cli.py``, ``portal/demo.py``) may import everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import portal

ROOT = Path(portal.__file__).parent
FOUNDATION = {"core", "config", "extensions"}
COMPOSITION = {"__init__", "app", "cli", "demo"}


def _unit(module: str) -> str | None:
    """``portal.cases.views`` -> ``cases``; ``portal.config`` -> ``config``; anything else -> None."""
    parts = module.split(".")
    if parts[0] != "portal":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, set[str]]:
    """Unit -> the units it imports (self-imports left out)."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        unit = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        targets = {_unit(name) for name in _imports(path)} - {None, unit}
        # ``portal.cases.x`` also names ``portal.cases``; a plain "import portal" names the composition root.
        graph.setdefault(unit, set()).update(t for t in targets if (ROOT / t).exists() or (ROOT / f"{t}.py").exists())
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_core_imports_no_domain_package():
    graph = package_graph()
    for unit in FOUNDATION:
        assert graph.get(unit, set()) <= FOUNDATION, f"portal.{unit} imports {graph[unit] - FOUNDATION}"


def test_domain_packages_import_each_other_without_a_cycle():
    # The ground floor counts as one unit: ``extensions`` binds core's base classes, core's helpers use ``db``.
    def floor(unit: str) -> str:
        return "core" if unit in FOUNDATION else unit

    graph: dict[str, set[str]] = {}
    for unit, targets in package_graph().items():
        if unit not in COMPOSITION:
            graph.setdefault(floor(unit), set()).update(floor(t) for t in targets - COMPOSITION)
    for unit, targets in graph.items():
        targets.discard(unit)
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_domain_package_reaches_into_the_composition_root():
    graph = package_graph()
    for unit, targets in graph.items():
        if unit not in COMPOSITION:
            assert not targets & COMPOSITION, f"portal.{unit} imports {targets & COMPOSITION}"


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
