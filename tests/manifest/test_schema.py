"""`j1sync schema`: a valid draft 2020-12 JSON Schema that accepts the examples, rejects a
typo, and matches the committed schema/j1sync-manifest.schema.json."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from j1sync.cli import cli
from j1sync.export.yaml_writer import schema_file_name
from j1sync.providers.jupiterone.models import KINDS
from j1sync.providers.registry import system_for_api_version, systems
from tests.examples import OTHER_SYSTEM_FOLDERS
from tests.manifest.conftest import BROKEN, EXAMPLES, SCHEMA_FILE


def _schema(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["schema", *args])
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


@functools.cache
def _system_schema(system: str) -> str:
    """`j1sync schema --system NAME`, as text (cached: one run per system)."""
    return json.dumps(_schema("--system", system))


def _system_of(document: Any) -> str:
    system = system_for_api_version(document.get("apiVersion"))
    assert system is not None, document
    return system.name


def _example_documents() -> list[tuple[str, Any]]:
    """Every document of examples/manifests (every system's)."""
    documents = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        for index, document in enumerate(YAML(typ="safe").load_all(path.read_text())):
            documents.append((f"{path.relative_to(EXAMPLES)}#{index}", document))
    return documents


EXAMPLE_DOCUMENTS = _example_documents()
JUPITERONE_DOCUMENTS = [(n, d) for n, d in EXAMPLE_DOCUMENTS if _system_of(d) == "jupiterone"]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_is_one_of_the_four_kinds_discriminated_by_kind() -> None:
    schema = _schema()
    assert len(schema["oneOf"]) == len(KINDS)
    assert schema["discriminator"]["propertyName"] == "kind"
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)
    for kind in KINDS:
        document = schema["$defs"][f"{kind}Document"]
        assert document["properties"]["apiVersion"]["const"] == "j1sync/v1"
        assert document["properties"]["kind"]["const"] == kind
        assert document["additionalProperties"] is False


@pytest.mark.parametrize(
    ("name", "document"), EXAMPLE_DOCUMENTS, ids=[n for n, _ in EXAMPLE_DOCUMENTS]
)
def test_every_example_document_validates_against_the_schema(name: str, document: Any) -> None:
    """Each against its system's schema (xyops/: `j1sync schema --system xyops`)."""
    schema = json.loads(_system_schema(_system_of(document)))
    errors = list(Draft202012Validator(schema).iter_errors(document))
    assert errors == [], f"{name}: {[e.message for e in errors]}"


def test_examples_cover_every_kind() -> None:
    assert {document["kind"] for _, document in JUPITERONE_DOCUMENTS} == set(KINDS)
    assert {_system_of(d) for _, d in EXAMPLE_DOCUMENTS} == {"jupiterone", "xyops", "opencti"}


def test_a_document_with_an_unknown_key_does_not_validate() -> None:
    document = YAML(typ="safe").load((BROKEN / "unknown_key.yaml").read_text())
    validator = Draft202012Validator(_schema())
    assert not validator.is_valid(document)


def test_an_unknown_permission_does_not_validate() -> None:
    document = YAML(typ="safe").load((BROKEN / "unknown_permission.yaml").read_text())
    assert not Draft202012Validator(_schema()).is_valid(document)


def test_kind_option_prints_one_kind() -> None:
    schema = _schema("--kind", "IntegrationSchedule")
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["kind"]["const"] == "IntegrationSchedule"
    assert "oneOf" not in schema
    validator = Draft202012Validator(schema)
    schedule = YAML(typ="safe").load(
        (EXAMPLES / "integration-schedules" / "github-org.yaml").read_text()
    )
    question = YAML(typ="safe").load(
        (EXAMPLES / "questions" / "mfa-disabled-users.yaml").read_text()
    )
    assert validator.is_valid(schedule)
    assert not validator.is_valid(question)


def test_committed_schema_file_is_up_to_date() -> None:
    # regenerate with: j1sync schema > schema/j1sync-manifest.schema.json
    assert json.loads(SCHEMA_FILE.read_text()) == _schema()


@pytest.mark.parametrize("system", [s.name for s in systems()])
def test_each_systems_committed_schema_file_is_up_to_date(system: str) -> None:
    # regenerate with: j1sync schema --system NAME > schema/<its file>
    committed = SCHEMA_FILE.parent / schema_file_name(system)
    assert json.loads(committed.read_text()) == json.loads(_system_schema(system))


def test_every_example_points_editors_at_the_committed_schema() -> None:
    """Every example file (each system's) names its own system's committed schema."""
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        text = path.read_text()
        first_line = text.splitlines()[0]
        assert first_line.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first_line.split("$schema=", 1)[1]).resolve()
        document = next(iter(YAML(typ="safe").load_all(text)))
        expected = SCHEMA_FILE.parent / schema_file_name(_system_of(document))
        assert target == expected.resolve(), path


def jupiterone_example_files() -> list[Path]:
    """The JupiterOne example files in examples/manifests (other systems' folders out)."""
    return [
        path
        for path in EXAMPLES.rglob("*.yaml")
        if path.relative_to(EXAMPLES).parts[0] not in OTHER_SYSTEM_FOLDERS
    ]
