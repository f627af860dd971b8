"""Hand edits in xyOps that store another JSON type, or null, where a manifest has a
value: drift and plan said "In sync". j1sync read the live object through the manifest
model, which put the manifest's default in place of a null and turned "false" into
false, "02" into 2 and 1 into true; xyOps (JavaScript) reads the string "false" as true
and null as false, so j1sync reported the opposite of what xyOps does. Now a stored value
is compared as it is (kinds.normalize_live, stored.py): drift and plan show it as it is
(`~ enabled: "false" -> false`), apply writes the manifest's value, and the plan after is
empty. Number forms (2.0 is 2) and a missing optional field (its default) stay no change;
a missing `enabled` is what xyOps reads it as, false. Such an object still loads: export
leaves it out with a warning naming it and the field, and writes nothing in its place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.xyops.helpers import EXAMPLES, CliServer

KEY = "s27StoredValuesKey01234"
CLEANUP = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: cleanup_job
spec:
  title: Cleanup
  enabled: false
  category: maintenance
  plugin: shellplug
  targets: [db_servers]
"""
# What people store by hand, each a value xyOps 1.0.88 takes (it checks the type of an
# event's `enabled`, boolean or number, and of no other field here), with the plan line
# each makes: kind, id, call, field, stored value, what drift shows.
HAND_EDITS = [
    ("ServerGroup", "db_servers", "update_group", "max_jobs_per_server", "02", '"02" -> 2'),
    ("Channel", "dba_oncall", "update_channel", "enabled", None, "null -> true"),
    ("Category", "maintenance", "update_category", "enabled", "false", '"false" -> true'),
    ("Event", "cleanup_job", "update_event", "enabled", 1, "1 -> false"),
]
NOUNS = {"ServerGroup": "groups", "Channel": "channels", "Category": "categories"}


class Server(CliServer):
    def call(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = requests.post(
            self.emu.api_url(name), json=body, headers={"X-API-Key": self.key}, timeout=10
        ).json()
        assert answer["code"] == 0, answer
        return dict(answer)

    def stored(self, kind: str, name: str) -> dict[str, Any]:
        plural = NOUNS.get(kind, f"{kind.lower()}s")
        [found] = [o for o in self.emu.snapshot()[plural] if o["id"] == name]
        return dict(found)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "manifests"
    folder.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        (folder / example.name).write_text(example.read_text())
    (folder / "cleanup.yaml").write_text(CLEANUP)
    with Server.serving(tmp_path, KEY) as served:
        applied = served.run("apply", "manifests", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        yield served


def hand_edit(server: Server) -> None:
    for _, name, call, field, value, _ in HAND_EDITS:
        server.call(call, {"id": name, field: value})


def test_drift_and_plan_show_what_xyops_stores_and_apply_writes_the_manifest(
    server: Server,
) -> None:
    hand_edit(server)
    drift = server.run("drift", "manifests")
    assert drift.exit_code == 2, drift.output
    assert "In sync" not in drift.output
    for kind, name, _, field, _, shown in HAND_EDITS:
        assert f"xyops.{kind}/{name}" in drift.output
        assert f"~ {field}: {shown}" in drift.output, drift.output

    planned = server.run("plan", "manifests", "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    for kind, name, _, field, _, _ in HAND_EDITS:
        change = changes[f"xyops.{kind}/{name}"]
        assert (change["action"], change["changed_paths"]) == ("update", [field])

    applied = server.run("apply", "manifests", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "4 updated" in applied.output
    for kind, name, _, field, _, _ in HAND_EDITS:
        written = server.stored(kind, name)[field]
        wanted = {"max_jobs_per_server": 2, "enabled": kind != "Event"}[field]
        assert written == wanted and type(written) is type(wanted), (kind, written)
    again = server.run("drift", "manifests")
    assert again.exit_code == 0, again.output
    assert "In sync" in again.output


def test_number_forms_and_missing_optional_fields_are_no_change(server: Server) -> None:
    server.call("update_group", {"id": "db_servers", "max_jobs_per_server": 2.0})
    # a tag made by hand without the optional fields the manifest leaves at their defaults
    server.call("create_tag", {"id": "hand_made", "title": "Hand made"})
    tag = "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: hand_made\nspec:\n"
    (server.root / "manifests" / "hand-made.yaml").write_text(tag + "  title: Hand made\n")
    planned = server.run("plan", "manifests", "--format", "json")
    assert planned.exit_code == 0, planned.output
    changes = [c for c in json.loads(planned.stdout)["changes"] if c["action"] != "no-op"]
    # only the adoption of the hand-made tag: the marker added to its notes
    assert [(c["address"], c["changed_paths"]) for c in changes] == [
        ("xyops.Tag/hand_made", ["notes"])
    ]


def test_a_missing_flag_is_read_as_xyops_reads_it(server: Server) -> None:
    """create_channel keeps what it is sent: a channel without `enabled` is one xyOps
    never notifies (`if (!channel.enabled)`), not the manifest's default true."""
    server.call("create_channel", {"id": "pager", "title": "Pager"})
    channel = "apiVersion: xyops.j1sync/v1\nkind: Channel\nmetadata:\n  name: pager\nspec:\n"
    (server.root / "manifests" / "pager.yaml").write_text(channel + "  title: Pager\n")
    planned = server.run("plan", "manifests")
    assert planned.exit_code == 0, planned.output
    assert "~ enabled: false -> true" in planned.output
    exported = server.run("export", "--system", "xyops", "--kind", "Channel", "--out", "exp")
    assert exported.exit_code == 0, exported.output
    spec = yaml.safe_load((server.root / "exp" / "channels" / "pager.yaml").read_text())["spec"]
    assert spec["enabled"] is False
    applied = server.run("apply", "manifests", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert server.stored("Channel", "pager")["enabled"] is True


def test_export_leaves_such_an_object_out_naming_it_and_the_field(server: Server) -> None:
    hand_edit(server)
    exported = server.run("export", "--system", "xyops", "--out", "exp")
    assert exported.exit_code == 0, exported.output
    assert "Traceback" not in exported.output
    written = server.root / "exp"
    for kind, name, _, field, _, _ in HAND_EDITS:
        warning = f"xyops.{kind}/{name}: left out of the export: spec.{field}: "
        assert warning in exported.stderr, exported.stderr
        folder = {"ServerGroup": "server-groups", "Category": "categories"}.get(
            kind, f"{kind.lower()}s"
        )
        # nothing written in its place: no manifest turns "false" into a boolean
        assert not (written / folder / f"{name.replace('_', '-')}.yaml").exists()
    assert "null in xyOps" in exported.stderr
    # the rest of the server is exported, and plans no change once applied
    assert (written / "tags" / "backups.yaml").exists()
