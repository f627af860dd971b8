"""Live export wrote an object without the fields that are not manifest fields and said
nothing (a tag made by another tool with `hostname_match` and `extra`: its manifest held
only `title`), while an XYPDF export names such fields in a warning. Now live export
warns the same way, by the same rule (stored.unmanaged_fields): each such field named,
with the object; the fields xyOps itself sets on every object (id, username, created,
modified, revision, sort_order) are never named, so a fresh server exports without a
warning. An XYPDF file's fields are named once, where the file holds them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.xyops.helpers import CliServer

KEY = "s27UnmanagedFieldsKey012"
NOT_MANAGED = "not managed by j1sync, left out: "


class Server(CliServer):
    def call(self, name: str, body: dict[str, Any]) -> None:
        answer = requests.post(
            self.emu.api_url(name), json=body, headers={"X-API-Key": self.key}, timeout=10
        ).json()
        assert answer["code"] == 0, answer


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        yield served


def test_live_export_names_the_fields_it_leaves_out(server: Server) -> None:
    server.call("create_tag", {"id": "x3", "title": "x", "hostname_match": "(", "extra": {"a": 1}})
    server.call("update_group", {"id": "main", "owner_team": "dba"})
    exported = server.run("export", "--system", "xyops", "--out", "exp")
    assert exported.exit_code == 0, exported.output
    assert f"xyops.Tag/x3: {NOT_MANAGED}extra, hostname_match" in exported.stderr
    assert f"xyops.ServerGroup/main: {NOT_MANAGED}owner_team" in exported.stderr
    # the server's own fields (id, username, created, modified, revision, sort_order) never
    assert exported.stderr.count(NOT_MANAGED) == 2, exported.stderr
    tag = yaml.safe_load((server.root / "exp" / "tags" / "x3.yaml").read_text())
    assert tag["spec"] == {"title": "x"}


def test_a_fresh_server_exports_without_such_a_warning(server: Server) -> None:
    exported = server.run("export", "--system", "xyops", "--out", "exp")
    assert exported.exit_code == 0, exported.output
    assert NOT_MANAGED not in exported.stderr, exported.stderr


def test_an_xypdf_file_names_them_once_where_it_holds_them(server: Server) -> None:
    data = {"id": "x3", "title": "x", "extra": 1, "created": 1, "username": "admin"}
    document = {"type": "xypdf", "version": "1.0", "items": [{"type": "tag", "data": data}]}
    (server.root / "tags.json").write_text(json.dumps(document, indent=1))
    exported = server.run("export", "--system", "xyops", "--from-file", "tags.json", "--out", "exp")
    assert exported.exit_code == 0, exported.output
    said = f"items[0].data: tag 'x3': {NOT_MANAGED}extra"
    assert "tags.json:" in exported.stderr and said in exported.stderr, exported.stderr
    assert exported.stderr.count(NOT_MANAGED) == 1, exported.stderr
