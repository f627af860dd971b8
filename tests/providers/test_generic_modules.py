"""The generic parts of j1sync (engine, manifest loader, CLI, outputs, export, GitHub
delivery, the registry itself) know no system by name (docs/architecture.md §9): they
import no `j1sync.providers.<system>` module and no string of their code names a system;
a system reaches them only through its `System` in the registry. The registry's list of
system modules (SYSTEM_MODULES) and its unqualified system (UNQUALIFIED_SYSTEM) are the
two places allowed to name one."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers import registry

PACKAGE = Path(registry.__file__).resolve().parents[1]  # src/j1sync
PROVIDERS = PACKAGE / "providers"
# the registry's own names for the systems it lists: the only ones a generic module may write
ALLOWED_ASSIGNMENTS = {
    ("providers/registry.py", "SYSTEM_MODULES"),
    ("providers/registry.py", "UNQUALIFIED_SYSTEM"),
}


def system_packages() -> list[str]:
    """Every system package under providers/ (those the registry lists and any other)."""
    listed = {module.split(".")[2] for module in registry.SYSTEM_MODULES}
    present = {p.name for p in PROVIDERS.iterdir() if (p / "__init__.py").is_file()}
    return sorted(listed | present)


SYSTEMS = system_packages()


def generic_modules() -> list[Path]:
    """Every module of j1sync outside the system packages."""
    inside = [PROVIDERS / name for name in SYSTEMS]
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not any(path.is_relative_to(package) for package in inside)
    )


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _allowed_values(tree: ast.AST, where: str) -> set[int]:
    """The string constants inside an allowed assignment (the registry's own lists)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if any((where, name) in ALLOWED_ASSIGNMENTS for name in names):
                found.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))
    return found


def system_names_in(source: str, where: str, systems: list[str]) -> Iterator[str]:
    """'line N: ...' for each import of a system's package and each string of code (not
    a docstring, not an allowed assignment) that names a system."""
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _allowed_values(tree, where)
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        for module in modules:
            parts = module.split(".")
            if parts[:2] == ["j1sync", "providers"] and len(parts) > 2 and parts[2] in systems:
                yield f"line {node.lineno}: imports {module}"
                break
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
        ):
            named = [name for name in systems if name in node.value.lower()]
            if named:
                yield f"line {node.lineno}: names {', '.join(named)} in {node.value[:60]!r}"


def test_the_systems_are_found() -> None:
    assert {"jupiterone", "xyops"} <= set(SYSTEMS)
    modules = {str(p.relative_to(PACKAGE)) for p in generic_modules()}
    assert {"manifest/loader.py", "engine/plan.py", "cli.py", "providers/registry.py"} <= modules
    assert not any(m.startswith("providers/jupiterone/") for m in modules)


@pytest.mark.parametrize(
    "source",
    [
        "from j1sync.providers.jupiterone.models import KINDS\n",
        "import j1sync.providers.xyops.client\n",
        "from j1sync.providers import jupiterone\n",
        "def f():\n    return 'xyOps is down'\n",
        "MODULE = 'j1sync.providers.jupiterone.system'\n",
    ],
)
def test_the_scan_finds_a_system_named(source: str) -> None:
    assert list(system_names_in(source, "cli.py", ["jupiterone", "xyops"]))


def test_the_scan_passes_docstrings_and_the_registry_lists() -> None:
    source = '"""JupiterOne and xyOps."""\nSYSTEM_MODULES = ("j1sync.providers.xyops.system",)\n'
    assert not list(system_names_in(source, "providers/registry.py", ["jupiterone", "xyops"]))
    assert list(system_names_in(source, "cli.py", ["jupiterone", "xyops"]))


@pytest.mark.parametrize("path", generic_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_generic_module_names_no_system(path: Path) -> None:
    where = str(path.relative_to(PACKAGE))
    found = list(system_names_in(path.read_text(encoding="utf-8"), where, SYSTEMS))
    assert not found, f"{where}: " + "; ".join(found)


def test_a_systems_own_flag_given_for_another_system_is_refused_by_name() -> None:
    """`emulator serve` takes each system's own flags through the registry (extras
    serve_options); one of JupiterOne's given with `--system xyops` is named, and no
    emulator starts."""
    from click.testing import CliRunner

    from j1sync.cli import cli

    result = CliRunner().invoke(
        cli, ["emulator", "serve", "--system", "xyops", "--page-size", "3", "--quotas", "x"]
    )
    assert result.exit_code == 1
    assert "--page-size, --quotas: not options of xyOps's emulator" in result.output
    assert "listening" not in result.output


def test_a_system_adds_its_own_flags_to_the_commands() -> None:
    """JupiterOne's connection flags and plan check come from its System (extras
    connection_options, plan_options), not from the generic command modules."""
    from click.testing import CliRunner

    from j1sync.cli import cli

    shown = CliRunner().invoke(cli, ["plan", "--help"]).output
    for flag in ("--account", "--region", "--endpoint-mode", "--check-queries", "--emulator"):
        assert flag in shown
    assert "JupiterOne: account id." in " ".join(shown.split())
