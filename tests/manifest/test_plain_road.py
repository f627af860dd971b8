"""The quick road for valid manifests (plain_yaml) must give exactly what the round-trip
road gives: the same data, secrets and start positions, the same ManifestSet, and, when it
gives up, the round-trip road's problems."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks.accounts import generated_account
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from j1sync.errors import ManifestError
from j1sync.manifest import load_manifests
from j1sync.manifest import loader as loader_module
from j1sync.manifest.interpolation import resolve_document
from j1sync.manifest.plain_yaml import plain_load_all
from j1sync.manifest.yaml_source import YamlDocument, node_start
from tests.manifest.conftest import EXAMPLES, WriteFile
from tests.reliability.test_manifest_fuzz import ENV, _documents, _dump, _mutated_examples

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trip(text: str) -> list[tuple[int, Any, dict[str, str], tuple[int, int]]]:
    """(index, plain data, secrets, start) per non-empty document, the round-trip way."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    roots = list(yaml.load_all(text))
    found = []
    for index, root in enumerate(roots):
        if root is None:
            continue
        start = node_start(root, "x.yaml")
        plain = resolve_document(YamlDocument("x.yaml", index, root, start), ENV, None)
        assert plain.problems == []  # the quick road gave up on any problem
        found.append((index, plain.data, plain.sensitive, (start.line, start.column)))
    return found


def _quick(text: str) -> list[tuple[int, Any, dict[str, str], tuple[int, int]]] | None:
    documents = plain_load_all(text, ENV)
    if documents is None:
        return None
    return [(d.index, d.data, d.sensitive, (d.line, d.column)) for d in documents]


@FUZZ
@given(
    text=st.one_of(
        _mutated_examples().map(_dump),
        st.lists(_documents, min_size=1, max_size=3).map(_dump),
        st.text(alphabet="ab:- \n[]{}'\"#|>,01.~$", max_size=60),
        st.sampled_from(["a: 0o17\nb: 0x1F\nc: 1_000\nd: .inf\ne: -.5e3\nf: 012\n"]),
        st.sampled_from(["a: ${env:HOOK_TOKEN}\nb: x${env:EMPTY}y ${env:HOOK_TOKEN}\n"]),
        st.sampled_from(["a: >\n  one\n  two\n\n  three\nb: |+\n  kept\n\n"]),
    )
)
def test_the_quick_road_builds_what_the_round_trip_road_builds(text: str) -> None:
    quick = _quick(text)
    if quick is None:
        return  # it gave up: the round-trip road decides, nothing to compare
    assert repr(quick) == repr(_round_trip(text))  # repr: NaN is not equal to itself


@pytest.mark.parametrize(
    "text",
    [
        "a: ${env:MISSING}\n",  # unset: a problem to locate
        "a: ${env:1bad}\n",  # malformed
        "a: 1\na: 2\n",  # duplicate key
        "a: 2024-01-01\n",  # a timestamp: kept as written by the other road
        "1: a\n",  # a key that is no string
        "a: !!str 1\n",  # a tag
        "a: &x 1\nb: *x\n",  # anchors
        "- a\n",  # no mapping
        "a: [\n",  # a syntax error
        "a: " + "[" * 70 + "]" * 70 + "\n",  # deeper than any manifest
    ],
)
def test_the_quick_road_gives_up_on_what_needs_positions_or_care(text: str) -> None:
    assert plain_load_all(text, ENV) is None


def test_secrets_are_resolved_and_remembered() -> None:
    documents = plain_load_all("a: Bearer ${env:HOOK_TOKEN}\nk${env:X}: v\n", ENV)
    assert documents is not None
    assert documents[0].data == {"a": "Bearer t0ken", "k${env:X}": "v"}  # keys stay as written
    assert documents[0].sensitive == {"Bearer t0ken": "Bearer ${env:HOOK_TOKEN}"}


def _load_both_ways(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    def outcome() -> Any:
        try:
            return load_manifests(paths, env=ENV)
        except ManifestError as exc:
            return str(exc)

    quick = outcome()
    with monkeypatch.context() as patched:
        patched.setattr(loader_module, "plain_load_all", lambda text, env: None)
        slow = outcome()
    return quick, slow


def test_examples_and_a_generated_account_load_the_same_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.rglob("*.yaml"))}
    assert all(plain_load_all(text, ENV) is not None for text in texts.values())
    yaml = YAML(typ="safe", pure=True)
    with (tmp_path / "generated.yaml").open("w", encoding="utf-8") as out:
        yaml.dump_all(generated_account(200).manifests, out)
    quick, slow = _load_both_ways([EXAMPLES, tmp_path], monkeypatch)
    assert not isinstance(quick, str)
    assert quick == slow
    assert len(quick.manifests) > 200


def test_cross_document_problems_are_located_the_same_either_way(
    write: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: {name}\nspec:\n"
    question += "  title: T\n  queries:\n  - name: q\n    query: Find Host\n"
    rule = "apiVersion: j1sync/v1\nkind: AlertRule\nmetadata:\n  name: r\nspec:\n"
    rule += "  questionRef: nope\n  operations:\n  - when: {type: FILTER, condition: [AND]}\n"
    rule += "    actions: [{type: CREATE_ALERT}]\n"
    write("a.yaml", question.format(name="same"))
    write("b.yaml", "# a comment\n" + question.format(name="same") + "---\n" + rule)
    quick, slow = _load_both_ways([tmp_path], monkeypatch)
    assert isinstance(quick, str)
    assert quick == slow
    assert "b.yaml:5:9" in quick and "a.yaml:4:9" in quick  # the duplicate, both places
    assert "questionRef" in quick


def test_either_of_ruamels_c_packagings_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    """ruamel.yaml.clib installs `_ruamel_yaml`, ruamel.yaml.clibz `_ruamel_yaml_clibz`."""
    from types import SimpleNamespace

    from j1sync.manifest import plain_yaml

    libyaml = importlib.import_module("_ruamel_yaml").CParser
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # None: not installed
    monkeypatch.setitem(sys.modules, "_ruamel_yaml_clibz", SimpleNamespace(CParser=libyaml))
    assert plain_yaml._c_parser() is libyaml
    monkeypatch.setitem(sys.modules, "_ruamel_yaml_clibz", None)
    assert plain_yaml._c_parser() is None
