"""The xyOps examples through the command line against the emulator (a real HTTP server
on loopback): plan, apply, plan again, drift; what a user sees on a bad manifest, an
unknown plugin or a wrong key; secrets in no output and no plan file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.xyops.helpers import (
    EXAMPLES,
    HOOK_URL,
    TOKEN,
    TOKEN_VARIABLE,
    URL_VARIABLE,
    CliServer,
    examples_with_secret,
)

KEY = "cliXyOpsKey0123456789abc"


class Server(CliServer):
    def ids(self, plural: str) -> set[str]:
        return {obj["id"] for obj in self.emu.snapshot()[plural]}


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY, **{TOKEN_VARIABLE: TOKEN, URL_VARIABLE: HOOK_URL}) as served:
        yield served


def test_the_examples_plan_apply_and_then_plan_nothing(server: Server) -> None:
    examples = str(EXAMPLES)
    planned = server.run("plan", examples, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "Plan: 7 to create, 0 to update, 0 to delete" in planned.stdout
    assert "+ xyops.Event/nightly_db_backup" in planned.stdout
    applied = server.run("apply", examples, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "7 created" in applied.stdout
    assert {"nightly_db_backup"} <= server.ids("events")
    again = server.run("plan", examples, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout
    drift = server.run("drift", examples)
    assert drift.exit_code == 0, drift.output
    # someone edits a managed alert in xyOps: drift sees it, apply heals it
    server.emu.api.call("update_alert", {"id": "db_disk_full", "samples": 9}, "POST", False)
    drifted = server.run("drift", examples)
    assert drifted.exit_code != 0
    assert "xyops.Alert/db_disk_full" in drifted.stdout
    assert server.run("apply", examples, "--auto-approve").exit_code == 0
    assert server.run("plan", examples, "--detailed-exitcode").exit_code == 0


def test_a_token_from_the_environment_is_in_no_output_and_no_plan_file(server: Server) -> None:
    folder = str(examples_with_secret(server.root / "secret"))
    planned = server.run("plan", folder, "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    saved = (server.root / "plan.json").read_text()
    for secret in (TOKEN, HOOK_URL):
        assert secret not in planned.output and secret not in saved
    assert "${env:XYOPS_OPS_CHAT_TOKEN}" in saved  # apply --plan resolves it again
    markdown = server.run("plan", folder, "--format", "markdown")
    assert TOKEN not in markdown.output and HOOK_URL not in markdown.output
    applied = server.run("apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert TOKEN not in applied.output and HOOK_URL not in applied.output
    [hook] = [h for h in server.emu.snapshot()["web_hooks"] if h["id"] == "ops_chat"]
    assert hook["headers"] == [{"name": "Authorization", "value": f"Bearer {TOKEN}"}]
    assert hook["url"] == HOOK_URL


def test_a_bad_id_is_one_located_line_and_no_change(server: Server) -> None:
    bad = server.root / "bad"
    bad.mkdir()
    (bad / "tag.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: Nightly Jobs\nspec:\n"
        "  title: Nightly\n"
    )
    result = server.run("plan", str(bad))
    assert result.exit_code == 1
    assert "tag.yaml:4:" in result.output
    assert "metadata.name" in result.output and "is not an xyOps id" in result.output
    assert "Traceback" not in result.output
    # the account is read while the manifests load; nothing is written
    assert all(call.startswith("get_") for call in server.emu.stats.requests)


def test_an_unknown_plugin_is_refused_before_any_change(server: Server) -> None:
    folder = server.root / "odd"
    folder.mkdir()
    (folder / "event.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: Event\nmetadata:\n  name: odd_job\nspec:\n"
        "  title: Odd\n  category: general\n  plugin: ansible\n  targets: [main]\n"
    )
    result = server.run("apply", str(folder), "--auto-approve")
    assert result.exit_code == 1
    assert "plugin 'ansible' is not in xyOps" in result.output
    assert "odd_job" not in server.ids("events")


def test_a_wrong_key_says_which_variable_and_never_shows_a_key(server: Server) -> None:
    wrong = "WrongXyOpsKey0123456789a"
    result = server.run("plan", str(EXAMPLES), key=wrong)
    assert result.exit_code == 1
    assert "XYOPS_API_KEY" in result.output
    assert wrong not in result.output and KEY not in result.output
    assert "Traceback" not in result.output


def test_json_output_names_the_xyops_target(server: Server) -> None:
    result = server.run("plan", str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    text = json.dumps(document)
    assert server.emu.url in text
    assert "xyops.Channel/dba_oncall" in text


def test_a_saved_plan_made_against_the_emulator_applies_against_it_later(
    server: Server,
) -> None:
    # --emulator serves xyOps on a new port every run: the plan is bound to its state
    folder = str(examples_with_secret(server.root / "saved"))
    planned = server.run("plan", folder, "--emulator", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    applied = server.run("apply", "--plan", "plan.json", "--emulator", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "8 created" in applied.stdout
    again = server.run("plan", folder, "--emulator", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_export_of_what_j1sync_manages_then_plan_is_empty(server: Server) -> None:
    folder = str(examples_with_secret(server.root / "source"))
    assert server.run("apply", folder, "--auto-approve").exit_code == 0
    exported = server.run(
        "export", "--system", "xyops", "--managed-only", "--out", str(server.root / "out")
    )
    assert exported.exit_code == 0, exported.output
    out = server.root / "out"
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    assert len(files) == 8 and "events/nightly-db-backup.yaml" in files
    written = "".join(p.read_text() for p in out.rglob("*.yaml"))
    assert TOKEN not in written and HOOK_URL not in written
    assert "managed-by" not in written and "apiVersion: xyops.j1sync/v1" in written
    # the credentials export wrote as ${env:NAME}, set to the server's values
    variables = [
        line.split("=")[0]
        for line in (out / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    values = {name: HOOK_URL if name.endswith("_URL") else f"Bearer {TOKEN}" for name in variables}
    assert len(values) == 2
    env = {
        "XYOPS_URL": server.emu.url,
        "XYOPS_API_KEY": KEY,
        "NO_COLOR": "1",
        **values,
    }
    again = CliRunner().invoke(cli, ["plan", str(out), "--detailed-exitcode"], env=env)
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout


def test_the_xyops_sections_managed_tag_is_the_marker_written_and_read(server: Server) -> None:
    (server.root / "j1sync.yaml").write_text("paths: [m]\nxyops:\n  managedTag: team_b\n")
    folder = server.root / "m"
    folder.mkdir()
    (folder / "tag.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: team_tag\nspec:\n"
        "  title: Team\n"
    )
    assert server.run("apply", str(folder), "--auto-approve").exit_code == 0
    [tag] = [t for t in server.emu.snapshot()["tags"] if t["id"] == "team_tag"]
    assert tag["notes"] == "managed-by: team_b"
    exported = server.run("export", "--system", "xyops", "--managed-only", "--out", "out")
    assert exported.exit_code == 0, exported.output
    assert [p.name for p in (server.root / "out").rglob("*.yaml")] == ["team-tag.yaml"]
    (folder / "tag.yaml").unlink()
    pruned = server.run("apply", str(folder), "--auto-approve", "--allow-empty", "--force")
    assert pruned.exit_code == 0, pruned.output
    assert "team_tag" not in server.ids("tags")
