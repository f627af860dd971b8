"""Exported manifests read the same in YAML 1.1 readers (PyYAML's safe_load, yamllint's
truthy rule, many CI tools): text `yes`, `no`, `on`, `off`, `y` (any case) or `1:30` was
written plain, which j1sync (YAML 1.2) reads as text and those readers as a boolean or a
number. Now such text is quoted. A description with Windows line ends (`\\r\\n`) is
written so that it loads back byte-exact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML

from j1sync.export.yaml_writer import manifest_document, render_manifest
from tests.export.conftest import Account
from tests.export.test_s25_reserved_file_names import question

WORDS = ["yes", "No", "ON", "off", "y", "N", "oN", "1:30", "0777", "true"]


def read_1_1(path: Path) -> Any:
    """The file as libyaml reads it by the YAML 1.1 rules (PyYAML's C loader)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def test_words_yaml_1_1_reads_as_booleans_are_exported_quoted(base: Account) -> None:
    base.emu.seed_objects(
        {
            "questions": [
                {**question(word), "description": word, "tags": ["j1sync", word]} for word in WORDS
            ]
            + [{**question("windows"), "description": "crlf\r\nline2\r\n"}]
        }
    )
    result = base.export("--kind", "Question")
    assert result.exit_code == 0, result.output
    for file in base.files():
        path = base.out / file
        as_1_2 = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        assert read_1_1(path) == as_1_2, path.read_text(encoding="utf-8")
    by_name = {read_1_1(base.out / f)["metadata"]["name"]: base.out / f for f in base.files()}
    assert set(WORDS) <= set(by_name)
    assert read_1_1(by_name["yes"])["spec"]["description"] == "yes"
    assert read_1_1(by_name["windows"])["spec"]["description"] == "crlf\r\nline2\r\n"
    changes = base.plan_changes()  # and j1sync reads them as they are
    assert {change["action"] for change in changes.values()} == {"no-op"}, changes


def test_keys_are_quoted_too() -> None:
    """A key `on:` is the known trap (GitHub Actions' own)."""
    spec = {"body": {word: word for word in WORDS}}
    text = render_manifest(manifest_document("Question", "n", spec))
    assert "'oN': 'oN'" in text and "'y': 'y'" in text
    assert yaml.load(text, Loader=yaml.CSafeLoader)["spec"] == spec
