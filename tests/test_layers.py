"""The packages import in one direction, and nothing imports in a circle.

Layers, bottom to top (a package imports only the ones below it; imports inside functions and
under ``TYPE_CHECKING`` count like any other):

    domain  <  seed  <  systems  <  schema  <  service

The import graph is grimp's (the engine behind import-linter), read from the source files.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

LAYERS = ["service", "schema", "systems", "seed", "domain"]  # top first, as grimp wants them
# Knowing about GraphQL or HTTP is the business of the two top layers only.
FRAMEWORKS = ("strawberry", "graphql", "fastapi", "starlette", "uvicorn")
VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*LAYERS, include_external_packages=True)


def test_layers_import_downwards_only(graph: grimp.ImportGraph) -> None:
    illegal = graph.find_illegal_dependencies_for_layers(layers=LAYERS)
    found = sorted(f"{d.importer} -> {d.imported}" for d in illegal)
    assert not found, "imports against the layer order:\n" + "\n".join(found)


def test_domain_seed_and_systems_know_nothing_of_graphql_or_http(
        graph: grimp.ImportGraph) -> None:
    found = sorted(
        f"{m} imports {imported}"
        for layer in ("domain", "seed", "systems")
        for m in graph.find_children(layer) | graph.find_descendants(layer)
        for imported in graph.find_modules_directly_imported_by(m)
        if imported.split(".")[0] in FRAMEWORKS
    )
    assert not found, "\n".join(found)


def test_migrations_import_no_application_code() -> None:
    """A migration is frozen in time: it must not change when the application does. (The
    versions folder is not a package, so grimp does not see it: read each file's imports.)"""
    found = []
    for path in sorted(VERSIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name} imports {n}" for n in names if n.split(".")[0] in LAYERS]
    assert len(list(VERSIONS.glob("*.py"))) >= 2
    assert not found, "\n".join(found)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _internal(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    modules = {m for layer in LAYERS for m in graph.find_descendants(layer) | {layer}}
    return {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}


def test_no_module_imports_itself_in_a_circle(graph: grimp.ImportGraph) -> None:
    assert _cycles(_internal(graph)) == []


def test_no_subpackages_import_each_other_in_a_circle(graph: grimp.ImportGraph) -> None:
    """Within a layer, folders (and top-level modules) form no cycle either: ``domain.search``
    and ``domain.metering`` may use ``domain.rows``, never the other way round."""
    def part(module: str) -> str:
        return ".".join(module.split(".")[:2])

    edges: dict[str, set[str]] = defaultdict(set)
    for module, imported in _internal(graph).items():
        for other in imported:
            if part(other) != part(module) and "." in module and "." in other:
                edges[part(module)].add(part(other))
    assert _cycles(dict(edges)) == []


def test_the_checks_see_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
