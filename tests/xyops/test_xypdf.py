"""xyOps's own export files (XYPDF) through the command line: `j1sync export --system
xyops --from-file FILE` writes manifests that apply to a fresh xyOps (the emulator) and
then plan nothing; a malformed file is located errors and exit 1, never a traceback."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from tests.xyops.helpers import CliServer

KEY = "xypdfTestKey0123456789abc"
HOOK_URL = "https://chat.example.com/hooks/XYPDF-S3CRET-URL"
HOOK_TOKEN = "Bearer xypdf-s3cret-token"
# What export names the web hook's credentials (export/secrets.variable_name)
URL_VARIABLE = "J1_OPS_CHAT_URL"
TOKEN_VARIABLE = "J1_OPS_CHAT_HEADERS_0_VALUE"


def _item(kind: str, **data: Any) -> dict[str, Any]:
    return {"type": kind, "data": data}


# As the xyOps UI writes one (docs/xypdf.md): server-set fields included
SERVER_SET = {"username": "admin", "created": 1761764525, "modified": 1761764935}
ITEMS = [
    _item("tag", id="backups", title="Backups", icon="", notes="", **SERVER_SET),
    _item(
        "category",
        id="maintenance",
        title="Maintenance",
        enabled=True,
        color="blue",
        notes="",
        actions=[],
        limits=[{"type": "time", "enabled": True, "duration": 3600}],
        sort_order=3,
        **SERVER_SET,
    ),
    _item("group", id="db_servers", title="Database servers", hostname_match="^db\\d+"),
    _item(
        "web_hook",
        id="ops_chat",
        title="Ops chat",
        enabled=True,
        url=HOOK_URL,
        method="POST",
        headers=[{"name": "Authorization", "value": HOOK_TOKEN}],
        body='{"text": "{{text}}"}',
        timeout=10,
        retries=0,
        follow=False,
        ssl_cert_bypass=False,
        max_per_day=0,
        notes="Posts to the ops channel.",
        revision=3,
        **SERVER_SET,
    ),
    _item("channel", id="dba_oncall", title="DBA on call", web_hook="ops_chat", users=[]),
    _item(
        "monitor",
        id="db_disk_used",
        title="DB disk used",
        source="disks.root.use",
        data_type="float",
        suffix="%",
        groups=["db_servers"],
    ),
    _item(
        "alert",
        id="db_disk_full",
        title="Database disk almost full",
        expression="monitors.db_disk_used >= 90",
        message="Disk {{float(monitors.db_disk_used)}}% used",
        monitor_id="db_disk_used",
        groups=["db_servers"],
        samples=3,
        actions=[{"condition": "alert_new", "type": "channel", "channel_id": "dba_oncall"}],
    ),
    _item(
        "event",
        id="nightly_db_backup",
        title="Nightly database backup",
        enabled=True,
        category="maintenance",
        plugin="shellplug",
        targets=["db_servers"],
        algo="random",
        tags=["backups"],
        params={"script": "#!/bin/sh\npg_dumpall > /backups/nightly.sql\n"},
        triggers=[{"type": "schedule", "enabled": True, "hours": [2], "minutes": [30]}],
        limits=[],
        actions=[{"condition": "error", "type": "channel", "channel_id": "dba_oncall"}],
        notes="",
        revision=7,
        **SERVER_SET,
    ),
    # not managed by j1sync: reported, left out
    _item("plugin", id="backup_plug", title="Backup plugin", command="/bin/backup"),
    _item("api_key", id="ci_key", title="CI", key="abc"),
]


def xypdf(items: list[dict[str, Any]], **envelope: Any) -> dict[str, Any]:
    document = {
        "type": "xypdf",
        "description": "xyOps Portable Data Object",
        "version": "1.0",
        "xyops": "1.0.88",
        "items": items,
    }
    document.update(envelope)
    return document


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent="\t") + "\n")  # as the xyOps UI writes
    return path


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliServer]:
    monkeypatch.chdir(tmp_path)
    with CliServer.serving(tmp_path, KEY) as served:
        yield served


def export(*args: str) -> Result:
    return CliRunner().invoke(cli, ["export", "--system", "xyops", *args], env={"NO_COLOR": "1"})


def test_an_xypdf_file_becomes_manifests_that_apply_and_then_plan_nothing(
    server: CliServer,
) -> None:
    source = write(server.root / "xyops-export.json", xypdf(ITEMS))
    exported = export("--from-file", str(source), "--out", "adopted")
    assert exported.exit_code == 0, exported.output
    assert "Exported 8 objects to adopted/" in exported.stdout
    assert "1 xyops.Tag, 1 xyops.Category, 1 xyops.ServerGroup, 1 xyops.WebHook" in exported.stdout
    # the items j1sync does not manage are named, not dropped silently
    assert "plugin 'backup_plug': j1sync does not manage plugins; left out" in exported.stderr
    assert "api_key 'ci_key': j1sync does not manage API keys; left out" in exported.stderr
    # credentials as ${env:}, never their values, in the manifests and the output
    written = "\n".join(p.read_text() for p in (server.root / "adopted").rglob("*.yaml"))
    for secret in (HOOK_URL, HOOK_TOKEN):
        assert secret not in written and secret not in exported.output
    assert f"${{env:{URL_VARIABLE}}}" in written and f"${{env:{TOKEN_VARIABLE}}}" in written
    assert URL_VARIABLE in (server.root / "adopted" / ".env.example").read_text()
    # server-set fields are not in any manifest
    assert "revision" not in written and "created" not in written
    # defaults left out, as export writes a server's objects
    event = (server.root / "adopted" / "events" / "nightly-db-backup.yaml").read_text()
    assert "enabled" not in event and "algo" not in event and "category: maintenance" in event

    secrets = {URL_VARIABLE: HOOK_URL, TOKEN_VARIABLE: HOOK_TOKEN}
    applied = server.run("apply", "adopted", "--auto-approve", **secrets)
    assert applied.exit_code == 0, applied.output
    assert "8 created" in applied.stdout
    [hook] = [h for h in server.emu.snapshot()["web_hooks"] if h["id"] == "ops_chat"]
    assert hook["url"] == HOOK_URL and hook["headers"][0]["value"] == HOOK_TOKEN
    again = server.run("plan", "adopted", "--detailed-exitcode", **secrets)
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout


def test_a_gzipped_file_and_one_kind(tmp_path: Path) -> None:
    source = tmp_path / "export.json.gz"
    source.write_bytes(gzip.compress(json.dumps(xypdf(ITEMS)).encode()))
    exported = export("--from-file", str(source), "--out", str(tmp_path / "out"), "--kind", "Tag")
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.strip().endswith(": 1 xyops.Tag")
    assert [p.name for p in (tmp_path / "out").rglob("*.yaml")] == ["backups.yaml"]


def test_fields_j1sync_does_not_manage_are_named(tmp_path: Path) -> None:
    tag = _item("tag", id="odd", title="Odd", color_scheme="dark")
    source = write(tmp_path / "x.json", xypdf([tag]))
    exported = export("--from-file", str(source), "--out", str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.output
    assert "x.json:" in exported.stderr
    assert "tag 'odd': not managed by j1sync, left out: color_scheme" in exported.stderr


def test_an_existing_folder_needs_force(tmp_path: Path) -> None:
    source = write(tmp_path / "x.json", xypdf(ITEMS[:1]))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    refused = export("--from-file", str(source), "--out", str(out))
    assert refused.exit_code == 1 and "is not empty" in refused.output
    forced = export("--from-file", str(source), "--out", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "keep.txt").read_text() == "mine"
    assert (out / "tags" / "backups.yaml").is_file()


def test_another_system_reads_no_export_file(tmp_path: Path) -> None:
    source = write(tmp_path / "x.json", xypdf(ITEMS[:1]))
    result = CliRunner().invoke(cli, ["export", "--from-file", str(source), "--out", "o"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "reads no export file of JupiterOne" in result.output and "xyOps" in result.output


BAD_ID = _item("tag", id="Nightly Jobs", title="Nightly")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "xypdf", "version": "1.0",\n "items": [}', "x.json:2:12: not JSON"),
        ("[1, 2]", "x.json:1:1: an XYPDF file is a JSON object"),
        (
            json.dumps(xypdf(ITEMS[:1], type="cronicle")),
            "\"cronicle\" is not 'xypdf': not an xyOps Portable Data file",
        ),
        (json.dumps(xypdf(ITEMS[:1], version="2.0")), 'version: "2.0" is not supported'),
        (json.dumps({"type": "xypdf", "version": "1.0"}), "x.json:1:1: items: missing"),
        (json.dumps(xypdf([])), "items: empty"),
        (json.dumps(xypdf(["tag"])), "items[0]: must be an object, not a string"),
        (json.dumps(xypdf([{"type": "tag"}])), "items[0].data: missing"),
        (json.dumps(xypdf([{"data": {"id": "x"}}])), "items[0].type: missing"),
        (
            json.dumps(xypdf([ITEMS[0], BAD_ID]), indent="\t"),
            "x.json:22:11: items[1].data.id: 'Nightly Jobs' is not an xyOps id",
        ),
        (json.dumps(xypdf([_item("tag", title="No id")])), "items[0].data.id: missing"),
        (json.dumps(xypdf([ITEMS[0], ITEMS[0]])), "tag 'backups' is also items[0]"),
    ],
)
def test_a_malformed_file_is_a_located_error(tmp_path: Path, text: str, expected: str) -> None:
    source = tmp_path / "x.json"
    source.write_text(text)
    result = export("--from-file", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing written


def test_every_problem_of_a_file_is_shown_at_once(tmp_path: Path) -> None:
    broken = [BAD_ID, {"type": "web_hook", "data": []}, _item("channel", id=7, title="x")]
    source = write(tmp_path / "x.json", xypdf(broken))
    result = export("--from-file", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "x.json:" in line]
    assert len(lines) == 3, result.output
    assert "items[2].data.id: must be a string, not a number" in result.output


def test_an_unknown_item_type_is_reported(tmp_path: Path) -> None:
    source = write(tmp_path / "x.json", xypdf([ITEMS[0], _item("ticket", id="t1")]))
    result = export("--from-file", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "items[1].type: 'ticket' is not an XYPDF object type j1sync knows" in result.stderr
    assert "Exported 1 object" in result.stdout


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    missing = export("--from-file", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o"))
    assert missing.exit_code == 1 and "cannot read the XYPDF file" in missing.output
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00broken")
    result = export("--from-file", str(broken), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "cannot read the XYPDF file" in result.output
    assert "Traceback" not in result.output
