"""Every import is one the table of parts in docs/architecture.md allows (its "may import" and
"never imports" columns, read from the document itself), and no two modules import each other
(directly or round a loop). Imports are read with ``ast``, not run."""

from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "architecture.md"
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
EVERY_PART, EVERY_OTHER_PART, NONE = "every part", "every other part", "—"


@dataclass
class Part:
    name: str  # as the other rows' cells write it (lower case)
    title: str  # as its own row writes it
    folders: tuple[str, ...]  # paths from the repository's root; a folder ends with "/"
    may: frozenset[str]  # parts
    never: frozenset[str]  # parts
    never_libraries: dict[str, str]  # import name -> as the table writes it

    def row(self) -> str:
        return f"the row {self.title!r} of docs/architecture.md"


def _cell_names(cell: str) -> list[str]:
    # A cell lists names separated by commas; words in parentheses are a note for the reader.
    text = re.sub(r"\([^)]*\)", "", cell).strip()
    return [] if text in ("", NONE) else [n.strip() for n in text.split(",")]


def _parts() -> list[Part]:
    """The table of parts, as docs/architecture.md writes it."""
    lines = TABLE.read_text("utf-8").splitlines()
    top = next(i for i, line in enumerate(lines) if line.replace(" ", "").startswith("|part|folders|"))
    header = [c.strip() for c in lines[top].strip().strip("|").split("|")]
    assert header == ["part", "folders", "what it is", "may import", "never imports"], header
    rows = []
    for line in lines[top + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    names = {r[0].lower() for r in rows}
    parts = []
    for name, folders, _what, may_cell, never_cell in rows:
        may = _cell_names(may_cell)
        may = sorted(names - {name.lower()}) if may == [EVERY_PART] else may
        never = _cell_names(never_cell)
        never = sorted(names - {name.lower()} - set(may)) if never == [EVERY_OTHER_PART] else never
        unknown = [n for n in may if n not in names]
        assert not unknown, f"the row {name!r} of docs/architecture.md may import {unknown}: no such part"
        libraries = {n.lower(): n for n in never if n not in names}
        missing = [n for n in libraries if importlib.util.find_spec(n) is None]
        assert not missing, f"the row {name!r} of docs/architecture.md never imports {missing}: no such part or library"
        both = set(may) & set(never)
        assert not both, f"the row {name!r} of docs/architecture.md both may and never import {sorted(both)}"
        parts.append(
            Part(
                name.lower(),
                name,
                tuple(re.findall(r"`([^`]+)`", folders)),
                frozenset(may),
                frozenset(n for n in never if n in names),
                libraries,
            )
        )
    return parts


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


def _part_of(path: Path, parts: list[Part]) -> Part | None:
    """The row whose folders hold the file (the longest match: a file named in a row wins over its folder)."""
    rel = path.relative_to(ROOT).as_posix()
    found = [(len(f), p) for p in parts for f in p.folders if (rel.startswith(f) if f.endswith("/") else rel == f)]
    return max(found, key=lambda m: m[0])[1] if found else None


def _project_module(target: str, known: dict[str, Path]) -> str | None:
    """The module of the tree an import names (None: a library)."""
    name = target
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def test_every_module_of_the_tree_lies_in_a_row_of_the_architecture_table():
    parts = _parts()
    folders = [f for p in parts for f in p.folders]
    assert sorted({f for f in folders if folders.count(f) > 1}) == []
    # An empty file only marks a package: it imports nothing and holds nothing to import.
    homeless = [m for m, path in _modules().items() if path.stat().st_size and _part_of(path, parts) is None]
    assert homeless == [], "modules no row of the table in docs/architecture.md names a folder of"


def test_every_import_is_one_the_architecture_table_allows():
    parts, known = _parts(), _modules()
    broken = []
    for module, targets in sorted(_graph(top_level_only=False).items()):
        here = _part_of(known[module], parts)
        if here is None:
            continue  # the test above names it
        for target in sorted(targets):
            inner = _project_module(target, known)
            if inner is None:
                library = target.partition(".")[0].lower()
                if library in here.never_libraries:
                    broken.append(
                        f"{module} imports {target}: {here.row()} never imports {here.never_libraries[library]}"
                    )
                continue
            there = _part_of(known[inner], parts)
            if there is None or there is here:
                continue
            if there.name in here.never:
                broken.append(f"{module} imports {inner} ({there.name}): {here.row()} never imports {there.name}")
            elif there.name not in here.may:
                allowed = ", ".join(sorted(here.may)) or "no other part"
                broken.append(f"{module} imports {inner} ({there.name}): {here.row()} may import only {allowed}")
    assert not broken, "imports the table forbids:\n" + "\n".join(broken)


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
    assert [sorted(c) for c in _cycles(edges)] == []
