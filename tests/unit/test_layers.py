"""The apps' layering, read from the source: ``geo ← boundaries ← routing ←
analytics ← {api, web}``, and neither of ``api`` and ``web`` imports the other.

Imports are read with ``ast`` (every ``import`` statement, also those inside
functions or under ``TYPE_CHECKING``), so a module that breaks the direction fails
here before anything runs it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lower layers first: a package may import only those before it.
DOMAIN = ("geo", "boundaries", "routing", "analytics")
EDGES = ("api", "web")


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (absolute imports only: a relative
    import stays inside its package)."""
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def forbidden(package: str) -> set[str]:
    if package in DOMAIN:
        return {*DOMAIN[DOMAIN.index(package) + 1 :], *EDGES}
    return {edge for edge in EDGES if edge != package}


def offences(package: str) -> list[str]:
    banned = forbidden(package)
    return sorted(
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(found))}"
        for path in (ROOT / package).rglob("*.py")
        if (found := imported(path) & banned)
    )


@pytest.mark.parametrize("package", [*DOMAIN, *EDGES])
def test_no_package_imports_a_layer_above_it_or_beside_it(package):
    """The domain imports neither the API nor the pages nor a layer above it; the
    pages import nothing from the API, nor the API from the pages."""
    assert (ROOT / package).is_dir()
    assert offences(package) == []


def test_the_check_sees_imports_anywhere_in_a_module(tmp_path):
    """A function-level import and a ``from`` import both count; a relative import
    does not leave the package."""
    module = tmp_path / "m.py"
    module.write_text(
        "from . import sibling\n"
        "def f():\n"
        "    import api.errors\n"
        "    from web.access import staff_page\n"
    )
    assert imported(module) == {"api", "web"}
