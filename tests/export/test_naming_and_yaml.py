"""File names and YAML text, without a server."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from j1sync.export.naming import FileNamer, slugify, unique_names
from j1sync.export.yaml_writer import HEADER, manifest_document, render_manifest


def test_slugify_makes_plain_lowercase_file_names() -> None:
    assert slugify("a/b: c?", "alertrule") == "a-b-c"
    assert slugify("Root account login detected", "x") == "root-account-login-detected"
    assert slugify("Ünïcode", "x") == "unicode"
    assert slugify("../../etc/passwd", "x") == "etc-passwd"
    assert slugify("日本語", "question") == "question"
    assert slugify("nul", "iamgroup") == "nul-iamgroup"
    assert len(slugify("y" * 500, "x")) == 80


@given(st.text(max_size=300))
def test_any_name_slugifies_to_a_safe_file_name(name: str) -> None:
    slug = slugify(name, "fallback")
    assert slug and len(slug) <= 80 + len("-fallback")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-")


def test_file_names_collide_per_folder_only_and_get_numeric_suffixes() -> None:
    namer = FileNamer()
    assert namer.file_name("alert-rules", "A b", "r") == "a-b.yaml"
    assert namer.file_name("alert-rules", "a/b", "r") == "a-b-2.yaml"
    assert namer.file_name("alert-rules", "A-B", "r") == "a-b-3.yaml"
    assert namer.file_name("questions", "a b", "q") == "a-b.yaml"


def test_unique_names_never_clash_with_another_wanted_name() -> None:
    assert unique_names(["x", "x", "x-2"]) == ["x", "x-3", "x-2"]
    assert unique_names(["a", "b"]) == ["a", "b"]


def spec_of(text: str) -> Any:
    return YAML(typ="rt").load(text)["spec"]


def test_multi_line_text_is_a_literal_block_and_conditions_are_flow_lists() -> None:
    spec = {
        "description": "first line\nsecond line",
        "operations": [{"when": {"type": "FILTER", "condition": ["AND", ["q.total", ">", 0]]}}],
    }
    text = render_manifest(manifest_document("AlertRule", "r", spec))
    assert text.startswith(HEADER)
    assert "  description: |-\n    first line\n    second line\n" in text
    assert "condition: [AND, [q.total, '>', 0]]" in text
    assert "{" not in text  # block style everywhere else


# Characters that YAML gives meaning to, line breaks of every kind, and a few that are
# easy to mangle: where ruamel's emitter falls short, the writer must notice and quote.
AWKWARD = st.sampled_from(list("ab \n\r\t\x85\u2028\u2029\x00'\"#:-?|>{}[],&*!%@`=.1~é😀\ufeff"))
awkward_text = st.one_of(
    st.text(AWKWARD, max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(["true", "2023-01-01", "null", "1e3", "0o7", ".inf", "?x", "- a"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(AWKWARD, min_size=1, max_size=6),
        st.one_of(awkward_text, st.integers(), st.booleans(), st.lists(awkward_text, max_size=3)),
        max_size=4,
    ),
    st.lists(awkward_text, max_size=3),
)
def test_any_values_survive_the_round_trip_through_yaml(
    spec: dict[str, Any], condition: list[str]
) -> None:
    spec = {**spec, "operations": [{"when": {"condition": ["AND", condition]}}]}
    text = render_manifest(manifest_document("Question", "n", spec))
    assert spec_of(text) == spec


def test_text_the_emitter_would_mangle_is_double_quoted_instead() -> None:
    # ruamel writes `?>` plain inside a flow list, where it cannot be read back
    spec = {"operations": [{"when": {"condition": ["AND", ["?>", 0]]}}], "d": "x\x85y"}
    text = render_manifest(manifest_document("AlertRule", "r", spec))
    assert 'condition: [AND, ["?>", 0]]' in text and 'd: "x\\Ny"' in text
    assert spec_of(text) == spec
