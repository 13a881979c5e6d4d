"""The layers point one way (domain, then projections, then service) and no module imports itself back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "service")
# What each layer may import from the project: the layers below it and itself.
ALLOWED = {"domain": {"domain"}, "projections": {"domain", "projections"}, "service": set(PACKAGES)}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module the file imports, at module level or hidden inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from a.b import c, d`: each of c and d that is a module, else a.b itself.
            named = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
            targets = list(named) or [node.module]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that reach each other (strongly connected, more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_each_layer_imports_only_itself_and_the_layers_below_it() -> None:
    upward = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    ]
    assert upward == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert _cycles(_graph()) == []


def test_the_api_and_the_dashboard_do_not_import_each_other() -> None:
    crossing = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        for here, there in (("service.api", "service.dashboard"), ("service.dashboard", "service.api"))
        if module.startswith(here) and target.startswith(there)
    ]
    assert crossing == []
