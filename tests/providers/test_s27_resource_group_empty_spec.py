"""A ResourceGroup's `permissions` defaults to [] (docs/manifests.md), yet `spec: {}` was
refused ("spec is empty"). Now a resource group's spec may be empty or left out: a group
with no permissions, which plan creates and apply makes, as `permissions: []` does. An
empty spec stays an error for a kind whose spec must say something (an IamGroup), and
`spec:` with nothing after it (null) for every kind; the JSON Schema agrees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.models.documents import manifest_json_schema
from tests.e2e.conftest import API_KEY, Account

HEAD = "apiVersion: j1sync/v1\nkind: {kind}\nmetadata:\n  name: {name}\n"


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@pytest.mark.parametrize("spec", ["spec: {}\n", "", "spec:\n  permissions: []\n"])
def test_a_resource_group_with_an_empty_spec_is_one_with_no_permissions(
    account: Account, spec: str
) -> None:
    account.write("rg.yaml", HEAD.format(kind="ResourceGroup", name="audit") + spec)
    validated = account.run("validate", account.manifests)
    assert validated.exit_code == 0, validated.output
    planned = account.run("plan", account.manifests, "--format", "json")
    assert planned.exit_code == 0, planned.output
    (change,) = json.loads(planned.stdout)["changes"]
    assert (change["address"], change["action"]) == ("ResourceGroup/audit", "create")

    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    snapshot: dict[str, Any] = account.emu.snapshot()
    assert [g["name"] for g in snapshot["resource_groups"]] == ["audit"]
    assert not snapshot.get("resource_permissions")
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("kind", "spec"),
    [("IamGroup", "spec: {}\n"), ("ResourceGroup", "spec:\n"), ("IamGroup", "spec:\n")],
)
def test_an_empty_spec_a_kind_needs_or_a_null_one_is_still_refused(
    account: Account, kind: str, spec: str
) -> None:
    path = account.write("m.yaml", HEAD.format(kind=kind, name="x") + spec)
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1, result.output
    assert f"{path}:5:1: {kind}/x: spec: spec is empty" in result.output


def test_the_schema_takes_an_empty_resource_group_spec_and_no_empty_group_spec() -> None:
    schema = manifest_json_schema()
    document = {"apiVersion": "j1sync/v1", "metadata": {"name": "x"}, "spec": {}}
    jsonschema.validate({**document, "kind": "ResourceGroup"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "kind": "IamGroup"}, schema)
