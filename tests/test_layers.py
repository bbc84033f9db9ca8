"""The layers hold: ``_core`` is pure (no aiohttp, no anyio, no ``_http``), only ``_http``
imports aiohttp (the emulator, a server product of its own, uses ``aiohttp.web``), and no
import cycle exists. Imports are read from the source (also those inside functions; not
those under ``if TYPE_CHECKING:``)."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Mapping
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "genlang_async"

CORE = "genlang_async._core"
HTTP = "genlang_async._http"
EMULATOR = "genlang_async.emulator"
CORE_MAY_NOT = ("aiohttp", "anyio", HTTP)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path, modules: set[str]) -> set[str]:
    """The modules ``path`` imports at run time (``from pkg import mod`` counts as ``mod``)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = sorted(root.rglob("*.py"))
    modules = {module_name(path, root) for path in paths}
    return {module_name(path, root): imports_of(path, root, modules) for path in paths}


def violations(graph: Mapping[str, set[str]]) -> list[str]:
    """What breaks the layering rules, and every import cycle among the package's modules."""
    found = []
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            if _within(module, CORE) and any(_within(target, bad) for bad in CORE_MAY_NOT):
                found.append(f"{module} (pure core) imports {target}")
            if (
                _within(target, "aiohttp")
                and not _within(module, HTTP)
                and not _within(module, EMULATOR)
            ):
                found.append(f"{module} imports aiohttp outside {HTTP}")
    found += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return found


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [[*group, group[0]] for group in groups]


def test_the_package_keeps_its_layers() -> None:
    assert violations(import_graph(PACKAGE)) == []


def test_each_rule_catches_a_planted_violation(tmp_path: Path) -> None:
    copy = tmp_path / "genlang_async"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert violations(import_graph(copy)) == []
    with (copy / "_core" / "retry.py").open("a") as f:
        f.write("\n\ndef _late():\n    import anyio\n\n    from .._http import transport\n")
    with (copy / "_pagination.py").open("a") as f:
        f.write("\nimport aiohttp\n")
    with (copy / "_core" / "names.py").open("a") as f:
        f.write("\nfrom .. import _client\n")
    found = violations(import_graph(copy))
    assert "genlang_async._core.retry (pure core) imports anyio" in found
    assert "genlang_async._core.retry (pure core) imports genlang_async._http.transport" in found
    assert "genlang_async._pagination imports aiohttp outside genlang_async._http" in found
    assert any(v.startswith("import cycle:") and "genlang_async._client" in v for v in found)


def test_type_checking_imports_do_not_count(tmp_path: Path) -> None:
    graph = {
        "genlang_async._core.a": {"genlang_async._core.b"},
        "genlang_async._core.b": {"genlang_async._core.a"},
        "genlang_async.emulator.app": {"aiohttp.web"},
    }
    assert violations(graph) == [
        "import cycle: genlang_async._core.a -> genlang_async._core.b -> genlang_async._core.a"
    ]
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "mod.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import aiohttp\n"
    )
    assert imports_of(root / "mod.py", root, set()) == {"typing"}
