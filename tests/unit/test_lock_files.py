"""The lock files (`make lock`) cover pyproject.toml: every dependency pinned to a
version its range allows, every pin with hashes, the serving lock free of dev tools,
and both files agreeing on the runtime pins. A dependency added to pyproject.toml
without `make lock` fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def pins(name: str) -> dict[str, str]:
    """{canonical name: version} of a lock file; each pin must carry a hash."""
    text = (ROOT / "requirements" / name).read_text()
    found: dict[str, str] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} has no hash in {name}"
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def requirements(extra: str | None) -> list[Requirement]:
    listed = (
        PROJECT["optional-dependencies"][extra] if extra else PROJECT["dependencies"]
    )
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("lock.txt", [None]), ("dev-lock.txt", [None, "dev"])],
)
def test_every_dependency_is_pinned_within_its_range(lock, extras):
    locked = pins(lock)
    for extra in extras:
        for requirement in requirements(extra):
            name = canonicalize_name(requirement.name)
            assert name in locked, f"{requirement} is not in {lock}: run `make lock`"
            assert requirement.specifier.contains(locked[name], prereleases=True), (
                f"{lock} pins {name}=={locked[name]} outside {requirement.specifier}: "
                "run `make lock`"
            )


def test_the_serving_lock_has_no_dev_tools_and_agrees_with_the_dev_lock():
    serving, dev = pins("lock.txt"), pins("dev-lock.txt")
    for tool in (
        "pytest",
        "pytest-django",
        "ruff",
        "mypy",
        "django-stubs",
        "playwright",
    ):
        assert tool not in serving, tool
    assert {name: dev[name] for name in serving} == serving
    assert "setuptools" in serving  # the build backend, for --no-build-isolation
