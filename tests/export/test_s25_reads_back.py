"""A rendered manifest is read back as the loader reads it: on the quick road (libyaml)
where that road takes the text, else on the round-trip road; a text holding `${env:` on
the round-trip road alone (the quick road would resolve the reference)."""

from __future__ import annotations

from j1sync.export.yaml_writer import reads_back, render_manifest
from j1sync.manifest.plain_yaml import plain_load_all


def test_s25_a_text_reads_back_only_as_what_it_says() -> None:
    assert reads_back("a: '1'\n", {"a": "1"})
    assert not reads_back("a: 1\n", {"a": "1"})
    assert not reads_back("a: yes\nb: 2\n", {"a": "yes"})
    assert not reads_back("a: [\n", {"a": []})  # not YAML
    assert not reads_back("a: 1\n---\na: 1\n", {"a": 1})  # two documents
    # the quick road declines an anchor: the round-trip road reads it
    assert plain_load_all("a: &x 1\nb: *x\n", {}) is None
    assert reads_back("a: &x 1\nb: *x\n", {"a": 1, "b": 1})
    # `${env:` is kept as written, not resolved
    assert reads_back("a: ${env:HOME}\n", {"a": "${env:HOME}"})


def test_s25_odd_strings_are_written_again_quoted() -> None:
    for odd in ("?x", "1e3", "null", "0x1F", "- a", "a: b", "#c", "2024-01-01", "~"):
        document = {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": odd}}
        text = render_manifest(document)
        assert reads_back(text, document), text
