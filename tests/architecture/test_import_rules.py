"""The parts of the house import only what docs/architecture.md allows (its table of parts), and no two
modules import each other (directly or round a loop). Imports are read with ``ast``, not run."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "hall_common",
    "page_toolkit",
    "hall_server",
    "hardware",
    "display_board",
    "window_terminal",
    "kiosk",
    "yichuang",
)
PAGES = ("display_board", "window_terminal", "kiosk")
SERVER_AND_COMMAND = ("hall_server", "yichuang", *PAGES)
# importer prefix -> imported prefixes it must never use (the table's "never" column)
NEVER: dict[str, tuple[str, ...]] = {
    "hall_server.core": (
        "hall_server.storage",
        "hall_server.services",
        "hall_server.api",
        "hall_server.events",
        "flask",
        "sqlalchemy",
    ),
    "hall_server.services": ("hall_server.api", *PAGES),
    "hall_server.storage": ("hall_server.services", "hall_server.api"),
    "hall_server.events": ("hall_server.api",),
    "hall_server.api": ("hall_server.storage", "sqlalchemy"),
    "hall_server.documents": ("hall_server.api",),
    "hall_server.catalog_io": ("hall_server.api",),
    "hardware": SERVER_AND_COMMAND,
    "hall_common": SERVER_AND_COMMAND + ("hardware",),
    "page_toolkit": SERVER_AND_COMMAND + ("hardware",),
    "display_board": ("hall_server.services", "hall_server.storage"),
    "window_terminal": ("hall_server.services", "hall_server.storage"),
    "kiosk": ("hall_server.services", "hall_server.storage"),
}
# Edges that break the table, each with the reason it is allowed. A new edge fails at once.
KNOWN: set[tuple[str, str]] = set()
KNOWN_CYCLES: list[set[str]] = []


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "static" in path.parts or "vendor" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _top_level(tree: ast.Module):
    """Import statements that run when the module is imported (not inside functions or TYPE_CHECKING)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, field, []):
                    stack.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])


def _all_imports(tree: ast.Module):
    return (n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)))


def _targets(node, module: str, is_package: bool, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    prefix = ".".join(p for p in (base if node.level else "", node.module or "") if p)
    out = []
    for a in node.names:
        sub = f"{prefix}.{a.name}"
        out.append(sub if sub in known else prefix)
    return out


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    known = _modules()
    edges: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text("utf-8"))
        nodes = _top_level(tree) if top_level_only else _all_imports(tree)
        is_package = path.name == "__init__.py"
        edges[module] = {t for n in nodes for t in _targets(n, module, is_package, known)}
    return edges


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_no_part_imports_what_the_architecture_table_forbids():
    broken = set()
    for module, targets in _graph(top_level_only=False).items():
        for target in targets:
            if _within(target, "yichuang") and not _within(module, "yichuang"):
                broken.add((module, target))
            for importer, never in NEVER.items():
                if _within(module, importer) and any(_within(target, n) for n in never):
                    broken.add((module, target))
    assert sorted(broken - KNOWN) == []


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[set[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.add(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(component)
            elif child not in edges:
                continue
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_modules_import_each_other_round_a_loop():
    edges = _graph(top_level_only=True)
    # A module naming its own package (``from . import x`` where x is no module) is no loop.
    for module in edges:
        edges[module] = {t for t in edges[module] if t == module or not _within(module, t)}
    cycles = [sorted(c) for c in _cycles(edges) if c not in KNOWN_CYCLES]
    assert cycles == []
