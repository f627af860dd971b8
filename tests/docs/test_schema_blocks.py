"""What an editor sees: every manifest document of README.md and docs/*.md and of every
example file validates against its system's committed JSON Schema (schema/*.json, what
yaml-language-server reads), so the schema never flags a manifest the models accept; and
the forms a model accepts beyond its canonical one (an OpenCTI filter's `key` written
alone) are in the schema too."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from j1sync.export.yaml_writer import schema_file_name
from j1sync.manifest.model_base import NON_BLANK_SCHEMA
from j1sync.providers.opencti.models_sharing import Filter
from j1sync.providers.registry import system_for_api_version
from tests.docs.test_yaml_blocks import ALL, ROOT, kind_of
from tests.examples import EXAMPLES

SCHEMAS = ROOT / "schema"


def _validator(document: Any) -> Draft202012Validator:
    system = system_for_api_version(document.get("apiVersion"))
    assert system is not None, document
    schema = json.loads((SCHEMAS / schema_file_name(system.name)).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _documents(text: str) -> list[Any]:
    return [d for d in YAML(typ="safe", pure=True).load_all(text) if d is not None]


def _named_documents() -> list[tuple[str, Any]]:
    found = [
        (f"{block}#{index}", document)
        for block in ALL
        if kind_of(block) == "manifest"
        for index, document in enumerate(_documents(block.text))
    ]
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        for index, document in enumerate(_documents(path.read_text(encoding="utf-8"))):
            found.append((f"{path.relative_to(ROOT)}#{index}", document))
    return found


DOCUMENTS = _named_documents()


def test_the_pages_and_examples_show_documents_of_every_system() -> None:
    systems = [system_for_api_version(d.get("apiVersion")) for _, d in DOCUMENTS]
    assert {s.name for s in systems if s is not None} == {"jupiterone", "xyops", "opencti"}
    assert any(name.startswith("docs/opencti.md") for name, _ in DOCUMENTS)


@pytest.mark.parametrize(("name", "document"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_every_document_validates_against_its_committed_schema(name: str, document: Any) -> None:
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(document).iter_errors(document)
    ]
    assert errors == [], f"{name}: {errors}"


def _filters(document: Any) -> list[dict[str, Any]]:
    """Every filter of a document's filter groups (TaxiiCollection, StreamCollection...)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "key" in node and ("values" in node or "operator" in node):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


OPENCTI_WITH_FILTERS = [
    (n, d)
    for n, d in DOCUMENTS
    if str(d.get("apiVersion", "")).startswith("opencti.") and _filters(d)
]


def test_examples_have_opencti_filters_to_rewrite() -> None:
    assert len(OPENCTI_WITH_FILTERS) >= 2


@pytest.mark.parametrize(
    ("name", "document"), OPENCTI_WITH_FILTERS, ids=[n for n, _ in OPENCTI_WITH_FILTERS]
)
def test_a_filter_key_written_alone_or_as_a_list_validates(name: str, document: Any) -> None:
    """The model takes `key: entity_type` as `key: [entity_type]`: so does the schema; an
    empty list or a number is refused by both."""
    validator = _validator(document)
    for form in ("alone", "list"):
        rewritten = copy.deepcopy(document)
        for one in _filters(rewritten):
            keys = one["key"] if isinstance(one["key"], list) else [one["key"]]
            one["key"] = keys[0] if form == "alone" else keys
            assert Filter.model_validate(one).key == (keys[:1] if form == "alone" else keys)
        assert validator.is_valid(rewritten), (name, form)
    for bad in ([], 7):
        rewritten = copy.deepcopy(document)
        _filters(rewritten)[0]["key"] = bad
        assert not validator.is_valid(rewritten), (name, bad)
        with pytest.raises(ValueError):
            Filter.model_validate(_filters(rewritten)[0])


def test_the_committed_schema_holds_both_forms_of_a_filter_key() -> None:
    schema = json.loads((SCHEMAS / schema_file_name("opencti")).read_text(encoding="utf-8"))
    attribute = {"type": "string", **NON_BLANK_SCHEMA}  # an attribute's name is not blank
    assert schema["$defs"]["Filter"]["properties"]["key"] == {
        "anyOf": [attribute, {"items": attribute, "minItems": 1, "type": "array"}]
    }
