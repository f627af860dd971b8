"""docs/gitops.md said names with "a leading `-`" are written quoted, but `-dash` was
written plain (YAML reads it as text: a dash starts a list item only before a space).
The sentence now says which names are quoted and which are not; this checks each example
it gives against the writer."""

from __future__ import annotations

import re
from pathlib import Path

from j1sync.export.yaml_writer import manifest_document, render_manifest

GITOPS = Path(__file__).parents[2] / "docs" / "gitops.md"


def written_name(name: str) -> str:
    return render_manifest(manifest_document("Question", name, {})).splitlines()[-1].strip()


def text() -> str:
    return " ".join(GITOPS.read_text(encoding="utf-8").split())


def sentence() -> str:
    found = re.search(r"Names YAML gives meaning to \((.*?)\) are written quoted.*?;", text())
    assert found is not None, "the sentence on quoted names is gone from docs/gitops.md"
    return found.group(0)


def test_each_name_the_doc_says_is_quoted_is_quoted() -> None:
    said = sentence()
    inside = re.search(r"\(a (.*?) inside", said)
    leading = re.search(r"a leading (.*?) or quote\)", said)
    assert inside is not None and leading is not None, said
    for mark in re.findall(r"`([^`]+)`", inside.group(1)):
        assert written_name(f"a{mark}b") == f"name: 'a{mark}b'", mark
    for mark in [*re.findall(r"`([^`]+)`", leading.group(1)), "'", '"']:
        assert written_name(f"{mark}x").removeprefix("name: ")[0] in "'\"", mark


def test_each_name_the_doc_says_is_plain_is_plain() -> None:
    plain = re.search(r"A name such as (.*?), plain text to YAML, is written plain", text())
    assert plain is not None
    examples = re.findall(r"`([^`]+)`", plain.group(1))
    assert examples
    for name in examples:
        assert written_name(name) == f"name: {name}"
