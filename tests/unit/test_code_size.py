"""Every module of the project stays small enough to read: at most 450 lines, and no
function longer than 80.

The limits are the house style's (a module past them is split into a package, a
function into helpers named after what they do). Measured with ``ast``: a function's
length is ``end_lineno - lineno + 1`` (decorators excluded, nested functions and
methods counted on their own); a module's is its line count. Tests, migrations and
the virtualenv are not measured.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
SKIPPED = frozenset({".venv", ".data", "tests", "migrations", "node_modules"})
# Packages that must be found, so that a wrong root cannot pass by measuring nothing.
PACKAGES = (
    "config",
    "geo",
    "boundaries",
    "routing",
    "analytics",
    "api",
    "web",
    "bench",
)


def modules(root: Path = ROOT) -> Iterator[Path]:
    """The project's Python modules under ``root``, in path order."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts[:-1]
        if any(part in SKIPPED or part.startswith(".") for part in parts):
            continue
        yield path


def function_lengths(source: str) -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, length) of every function in ``source``."""

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, int, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                yield name, child.lineno, child.end_lineno - child.lineno + 1
                yield from visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(ast.parse(source), "")


def oversized(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """The modules and the functions over their limits, one line each."""
    long_modules, long_functions = [], []
    for path in modules(root):
        name = path.relative_to(root).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = len(source.splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append(f"{name}: {lines} lines")
        for function, line, length in function_lengths(source):
            if length > MAX_FUNCTION_LINES:
                long_functions.append(f"{name}:{line} {function}: {length} lines")
    return long_modules, long_functions


def test_no_module_is_over_450_lines():
    """Each module is at most 450 lines; the message names every one that is not."""
    long_modules, _ = oversized()
    assert not long_modules, (
        f"modules over {MAX_MODULE_LINES} lines (split them into a package):\n"
        + "\n".join(long_modules)
    )


def test_no_function_is_over_80_lines():
    """Each function is at most 80 lines; the message names every one that is not."""
    _, long_functions = oversized()
    assert not long_functions, (
        f"functions over {MAX_FUNCTION_LINES} lines (split them into helpers):\n"
        + "\n".join(long_functions)
    )


def test_the_walk_measures_every_package_and_skips_tests_and_migrations():
    """The project's packages are measured; tests, migrations and hidden folders
    are not."""
    seen = {p.relative_to(ROOT).parts for p in modules()}
    tops = {parts[0] for parts in seen}
    assert set(PACKAGES) <= tops
    assert not any(
        part in SKIPPED or part.startswith(".") for parts in seen for part in parts[:-1]
    )
    assert any(parts[-1] == "status.py" for parts in seen if parts[0] == "routing")


def test_a_function_is_measured_without_its_decorators_and_nested_ones_alone():
    """Decorators do not count; a method is named after its class; a nested
    function is measured on its own and also counts in its parent's lines."""
    source = (
        "@decorator\n"
        "@another(1)\n"
        "def outer():\n"
        "    def inner():\n"
        "        return 1\n"
        "    return inner\n"
        "\n"
        "class Thing:\n"
        "    async def method(self):\n"
        "        pass\n"
    )
    assert list(function_lengths(source)) == [
        ("outer", 3, 4),
        ("outer.inner", 4, 2),
        ("Thing.method", 9, 2),
    ]


def test_the_limits_name_a_long_module_and_a_long_function(tmp_path):
    """A module of 451 lines and a function of 81 are reported, with their path
    and line; a module in a skipped folder is not."""
    package = tmp_path / "pkg"
    package.mkdir()
    body = "".join(f"    x = {i}\n" for i in range(80))
    (package / "long.py").write_text("def f():\n" + body + "\n" * 370)
    (package / "short.py").write_text("def g():\n" + body[: -len("    x = 79\n")])
    skipped = tmp_path / "pkg" / "migrations"
    skipped.mkdir()
    (skipped / "0001_initial.py").write_text("\n" * 500)
    long_modules, long_functions = oversized(tmp_path)
    assert long_modules == ["pkg/long.py: 451 lines"]
    assert long_functions == ["pkg/long.py:1 f: 81 lines"]
