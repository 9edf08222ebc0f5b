"""The layers import one way: cli -> ui -> core, with no cycle anywhere, imports inside functions included.

The import graph is read from the source with ``ast``, so an import that only runs when a function
is called counts as much as one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import digitdraw

QT_PACKAGES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "qtpy")


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package at ``root``: dotted name -> file (a package is its ``__init__.py``)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imported_names(module: str, path: Path, modules: set[str]) -> set[str]:
    """The modules ``module`` imports anywhere in its file, relative imports resolved.

    ``from package import name`` counts as importing ``package.name`` when that is a module.
    """
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return found - {module}


def import_graph(root: Path, package: str) -> nx.DiGraph:
    """Modules of the package as nodes; an edge for every import, inside the package or not."""
    modules = module_names(root, package)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        graph.add_edges_from((module, target) for target in imported_names(module, path, set(modules)))
    return graph


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def cycles(graph: nx.DiGraph, package: str) -> list[list[str]]:
    """Every import cycle among the modules of ``package``, each from its first module in sorted order."""
    inside = graph.subgraph(n for n in graph if within(n, package))
    found = []
    for cycle in nx.simple_cycles(inside):
        first = cycle.index(min(cycle))
        found.append(cycle[first:] + cycle[:first])
    return sorted(found)


def forbidden_imports(graph: nx.DiGraph, importer: str, forbidden) -> list[str]:
    return sorted(
        f"{source} imports {target}"
        for source, target in graph.edges
        if within(source, importer) and any(within(target, name) for name in forbidden)
    )


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return import_graph(Path(digitdraw.__file__).parent, "digitdraw")


def test_the_graph_sees_every_kind_of_import(tmp_path):
    """The reader itself: a cycle made by a relative import inside a function is found."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("def later():\n    from .. import a\n    import PySide6.QtCore\n")
    (package / "sub" / "c.py").write_text("from ..a import something\nfrom . import b\n")
    graph = import_graph(package, "pkg")
    assert cycles(graph, "pkg") == [["pkg.a", "pkg.sub.b"]]
    assert set(graph.successors("pkg.sub.c")) == {"pkg.a", "pkg.sub.b"}
    assert forbidden_imports(graph, "pkg.sub", QT_PACKAGES) == ["pkg.sub.b imports PySide6.QtCore"]


def test_the_core_has_no_import_cycle(graph):
    assert cycles(graph, "digitdraw.core") == []


def test_the_core_imports_neither_qt_nor_the_ui_nor_the_cli(graph):
    assert forbidden_imports(graph, "digitdraw.core", (*QT_PACKAGES, "digitdraw.ui", "digitdraw.cli")) == []


def test_the_ui_does_not_import_the_cli(graph):
    assert forbidden_imports(graph, "digitdraw.ui", ("digitdraw.cli", "digitdraw.__main__")) == []


def test_the_package_has_no_import_cycle(graph):
    assert cycles(graph, "digitdraw") == []


def test_a_tab_does_not_import_another_tab(graph):
    """Each package of ``digitdraw.ui`` is a tab; what tabs share lives at ``ui/`` level or in core."""
    ui = Path(digitdraw.__file__).parent / "ui"
    tabs = [f"digitdraw.ui.{folder.name}" for folder in sorted(ui.iterdir()) if (folder / "__init__.py").is_file()]
    assert len(tabs) >= 4
    found = []
    for tab in tabs:
        found += forbidden_imports(graph, tab, [other for other in tabs if other != tab])
    assert found == []
