"""What the generic contract tests share: the real j1sync CLI aimed at a system's
emulator in a scratch folder, the hypothesis settings, and the checks every run ends with."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from j1sync.cli import cli
from j1sync.export.secrets import ENV_EXAMPLE_FILE
from tests.contract.systems import Case, ContractSystem, Files, Snapshot, Target

# Retries fast enough for a test (the shared HTTP pieces read these for every system).
FAST_RETRIES = {
    "J1SYNC_BACKOFF_INITIAL_S": "0.01",
    "J1SYNC_BACKOFF_MAX_S": "0.1",
    "J1SYNC_RETRY_BUDGET": "60",
    "NO_COLOR": "1",
}
# apply as the suite means it: no prompt; a case may delete a kind's every managed
# object or declare nothing at all, on purpose.
APPLY = ("--auto-approve", "--force", "--allow-empty")

Changes = dict[str, dict[str, Any]]


def examples(count: int) -> settings:
    """Few examples, the same ones every run (CI runs the suite twice on 2 cores)."""
    return settings(
        max_examples=count,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@dataclass
class Workspace:
    """A system's emulator, a scratch folder, and the CLI pointed at both."""

    system: ContractSystem
    target: Target
    root: Path
    env: dict[str, str] = field(default_factory=dict)  # more variables for every command

    @property
    def manifests(self) -> str:
        return str(self.root / "manifests")

    def run(self, *args: str) -> Result:
        env = {**FAST_RETRIES, **self.target.env(), **self.env}
        result = CliRunner().invoke(cli, list(args), env=env)
        assert "Traceback" not in result.output, result.output
        for name in self.system.secret_variables:
            assert env[name] not in result.output, f"{name}'s value printed by {args[0]}"
        return result

    def write(self, files: Files) -> None:
        """Make the manifest folder hold exactly `files`."""
        folder = Path(self.manifests)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def plan(self, folder: str | None = None) -> Changes:
        """address -> change, from `plan --format json` (exit 3: a safety limit blocks
        it, as many changes of one kind at once do; apply here always forces)."""
        result = self.run("plan", folder or self.manifests, "--format", "json", "--allow-empty")
        assert result.exit_code in (0, 3), result.output
        return {c["address"]: c for c in json.loads(result.stdout)["changes"]}

    def apply(self, folder: str | None = None) -> Result:
        return self.run("apply", folder or self.manifests, *APPLY)

    def assert_converged(self, folder: str | None = None) -> None:
        """apply succeeds, then `plan --detailed-exitcode` says there is nothing to do."""
        applied = self.apply(folder)
        assert applied.exit_code == 0, applied.output
        self.assert_no_changes(folder)

    def assert_no_changes(self, folder: str | None = None) -> None:
        again = self.run("plan", folder or self.manifests, "--detailed-exitcode", "--allow-empty")
        assert again.exit_code == 0, f"not converged:\n{again.output}"

    def export(self, out: Path) -> Result:
        return self.run(*self.system.export_args, "--out", str(out))


def files_of(folder: Path) -> dict[str, str]:
    """Every file under `folder`: relative path -> text."""
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_reconciled(system: ContractSystem, case: Case, before: Snapshot, after: Snapshot):
    """After a converged apply of `case` to the account `before`: unmanaged objects are
    byte-for-byte what they were, managed objects without a manifest are gone, no natural
    key is held twice, and every declared object exists once."""
    now = system.objects(after)
    for key, obj in system.untouchable(before, case).items():
        assert now.get(key) == obj, f"unmanaged {key} changed or vanished"
    for key in system.gone(before, case):
        assert key not in now, f"{key} has no manifest but was not deleted"
    keys = system.natural_keys(after)
    for kind, names in keys.items():
        twice = sorted({name for name in names if list(names).count(name) > 1})
        assert not twice, f"{kind} held twice: {twice}"
    for address in case.addresses:
        kind, _, name = address.partition("/")
        assert name in keys.get(kind, ()), f"{address} declared but not in the account"


def exported_variables(folder: Path) -> list[tuple[str, str, str]]:
    """(variable, address, path) of every credential an export wrote as ${env:NAME}, from
    the .env.example it writes beside the manifests (`# <address> <path>`, `NAME=`)."""
    listing = folder / ENV_EXAMPLE_FILE
    if not listing.exists():
        return []
    found: list[tuple[str, str, str]] = []
    comment = ""
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            comment = line[2:]
        elif line.endswith("=") and comment:
            address, _, path = comment.partition(" ")
            found.append((line[:-1], address, path))
    return found
