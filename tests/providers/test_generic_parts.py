"""The pieces every system shares name no system (issue 14 §1, docs/architecture.md §12):
the emulators' shared package (j1sync.emulator: HTTP base, fault switches, store) and the
shared HTTP pieces (j1sync.http) import no provider and hold no system's name in their
code; each system's emulator lives in its provider package."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import j1sync.emulator
import j1sync.http
from j1sync.providers.registry import systems

GENERIC_PACKAGES = (j1sync.emulator, j1sync.http)


def _modules() -> list[Path]:
    return [
        Path(package.__path__[0]) / f"{info.name}.py"
        for package in GENERIC_PACKAGES
        for info in pkgutil.iter_modules(package.__path__)
    ] + [Path(package.__file__ or "") for package in GENERIC_PACKAGES]


def _code_words(tree: ast.Module) -> list[str]:
    """Names, attributes, imported modules and string literals, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.Import):
            words.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            words.append(node.module or "")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            words.append(node.value)
    return words


def test_the_generic_packages_have_modules() -> None:
    names = {path.stem for path in _modules()}
    assert {"http_base", "faults", "store", "retry", "ratelimit"} <= names


@pytest.mark.parametrize("path", _modules(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_shared_module_names_no_system(path: Path) -> None:
    words = _code_words(ast.parse(path.read_text("utf-8")))
    assert not [w for w in words if w.startswith("j1sync.providers")], "imports a provider"
    names = {system.name.lower() for system in systems()} | {"jupiterone", "j1ql"}
    named = sorted({n for w in words for n in names if n in w.lower()})
    assert not named, f"{path.name} names {named}"


def test_each_system_emulator_is_in_its_provider_package() -> None:
    for system in systems():
        module = importlib.import_module(f"j1sync.providers.{system.name}.emulator")
        assert Path(module.__file__ or "").parent.parent.name == system.name
