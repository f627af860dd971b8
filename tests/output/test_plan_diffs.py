"""The plan shows what a reviewer must approve (issue 11): through the CLI, against the
emulator. Long text as a line diff, list elements matched by identity, created objects
as the manifest a user would write, secrets never."""

from __future__ import annotations

import copy
import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from j1sync.manifest import load_manifests
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.models import SPEC_MODELS
from tests.e2e.conftest import API_KEY, Account

USERS = [{"email": f"{who}@example.com", "firstName": who} for who in ("alice", "bob")]


@pytest.fixture
def empty_account(tmp_path: Path) -> Iterator[Account]:
    """An account with users (for group members) and nothing j1sync manages."""
    seed = {"users": USERS}
    with running_emulator(db=":memory:", seed=seed, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


QUERY_WORDS = [f"tag.key{i:03} = 'value{i:03}'" for i in range(200)]
LONG_QUERY = "FIND aws_instance WITH " + " AND ".join(QUERY_WORDS) + " RETURN aws_instance.name"


def manifest(kind: str, name: str, spec: dict[str, Any]) -> str:
    document = {"apiVersion": "j1sync/v1", "kind": kind, "metadata": {"name": name}}
    return json.dumps({**document, "spec": spec})  # JSON is YAML


def change_block(text: str, address: str) -> list[str]:
    """The lines under `  ~ address` (or + / -) in a text plan, up to the blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line[4:] == address)
    block: list[str] = []
    for line in lines[start + 2 :]:  # after the header and the reason
        if not line.strip():
            break
        block.append(line)
    return block


def markdown_block(md: str, address: str) -> list[str]:
    start = md.index(f"</code> {address}</summary>")
    body = md[md.index("```diff\n", start) + 8 :]
    return body[: body.index("\n```")].splitlines()


def plans(acc: Account) -> tuple[str, str]:
    text = acc.run("plan", acc.manifests)
    md = acc.run("plan", acc.manifests, "--format", "markdown")
    assert text.exit_code == 0 and md.exit_code == 0, text.output + md.output
    return text.stdout, md.stdout


# -- long text ---------------------------------------------------------------------------


def edited(position: int) -> str:
    words = list(QUERY_WORDS)
    words[position] = "tag.edited = 'EDITED'"
    return "FIND aws_instance WITH " + " AND ".join(words) + " RETURN aws_instance.name"


@pytest.mark.parametrize("position", [0, 100, 199], ids=["start", "middle", "end"])
def test_an_edit_anywhere_in_a_long_query_is_shown_as_changed_lines(
    empty_account: Account,
    position: int,
) -> None:
    assert len(LONG_QUERY) > 2000
    spec = {"title": "Long", "queries": [{"name": "q", "query": LONG_QUERY}]}
    empty_account.write("q.yaml", manifest("Question", "long-query", spec))
    assert empty_account.run("apply", empty_account.manifests, "--auto-approve").exit_code == 0
    spec["queries"][0]["query"] = edited(position)
    empty_account.write("q.yaml", manifest("Question", "long-query", spec))

    text, md = plans(empty_account)

    old = QUERY_WORDS[position]
    for block in (
        change_block(text, "Question/long-query"),
        markdown_block(md, "Question/long-query"),
    ):
        removed = [line for line in block if line.lstrip().startswith("- ") and old in line]
        added = [line for line in block if line.lstrip().startswith("+ ") and "EDITED" in line]
        assert removed and added, "\n".join(block)
        assert sum(len(line) for line in block) < len(LONG_QUERY)  # shortened away from it
        assert any("unchanged line" in line for line in block)  # with a count of what


# -- lists -------------------------------------------------------------------------------

QUESTION = {
    "title": "Lists",
    "tags": ["b", "d"],
    "queries": [{"name": "q1", "query": "FIND A"}, {"name": "q2", "query": "FIND B"}],
    "compliance": [
        {"standard": "S1", "requirements": ["r2", "r4"], "controls": ["c2", "c4"]},
        {"standard": "S3"},
    ],
}
RULE = {
    "question": {"queries": [{"name": "q1", "query": "FIND A"}, {"name": "q2", "query": "FIND B"}]},
    "operations": [
        {
            "when": {"condition": ["AND", ["queries.q1.total", ">", 0]]},
            "actions": [
                {"type": "SET_PROPERTY", "targetProperty": "p2", "targetValue": "x"},
                {"type": "CREATE_ALERT"},
            ],
        },
        {"when": {"condition": ["AND", ["queries.q2.total", ">", 9]]}, "actions": []},
    ],
    "outputs": ["queries.q1.total", "p2"],
    "tags": ["b", "d"],
}
GROUP = {
    "abacPermissions": ["readGraph", "readQuestions"],
    "queryPolicy": [{"_class": ["Host"]}, {"_type": ["aws_s3_bucket"]}],
    "members": ["alice@example.com"],
}
TEAM = {"group": "lists-team", "resourceArea": "rule", "canRead": True}
RESOURCE_GROUP = {"permissions": [TEAM]}
BREAKPOINTS = ("xs", "sm", "md", "lg", "xl")
BOARD = {
    "widgets": {key: {"title": key.upper(), "type": "number"} for key in ("a", "b", "c")},
    "layouts": {
        size: [
            {"widget": "a", "x": 0, "y": 0, "w": 1, "h": 1},
            {"widget": "b", "x": 1, "y": 0, "w": 1, "h": 1},
        ]
        for size in BREAKPOINTS
    },
    "parameters": [
        {"name": "p1", "label": "P1", "options": ["x", "z"]},
        {"name": "p2", "label": "P2"},
    ],
}
BASES = {
    "Question": QUESTION,
    "AlertRule": RULE,
    "IamGroup": GROUP,
    "ResourceGroup": RESOURCE_GROUP,
    "Dashboard": BOARD,
}
# what a kind's manifest needs beside it: a resource group's permissions name an IAM group
PRELUDES = {"ResourceGroup": manifest("IamGroup", "lists-team", {"members": []}) + "\n---\n"}

# (kind, list field as the models spell it, where in the spec, the element inserted first)
INSERTIONS: list[tuple[str, str, tuple[str | int, ...], Any]] = [
    ("Question", "tags", ("tags",), "a"),
    ("Question", "queries", ("queries",), {"name": "q0", "query": "FIND Z"}),
    ("Question", "compliance", ("compliance",), {"standard": "S0"}),
    ("Question", "compliance[].requirements", ("compliance", 0, "requirements"), "r1"),
    ("Question", "compliance[].controls", ("compliance", 0, "controls"), "c1"),
    ("AlertRule", "question.queries", ("question", "queries"), {"name": "q0", "query": "FIND Z"}),
    (
        "AlertRule",
        "operations",
        ("operations",),
        {"when": {"condition": ["OR", ["queries.q2.total", "<", 3]]}, "actions": []},
    ),
    (
        "AlertRule",
        "operations[].when.condition",
        ("operations", 0, "when", "condition"),
        ["queries.q2.total", ">", 1],
    ),
    (
        "AlertRule",
        "operations[].actions",
        ("operations", 0, "actions"),
        {"type": "SET_PROPERTY", "targetProperty": "p0", "targetValue": "y"},
    ),
    ("AlertRule", "outputs", ("outputs",), "queries.q2.total"),
    ("AlertRule", "tags", ("tags",), "a"),
    ("IamGroup", "abacPermissions", ("abacPermissions",), "fullReadAccess"),
    ("IamGroup", "queryPolicy", ("queryPolicy",), {"_class": ["User"]}),
    ("IamGroup", "members", ("members",), "bob@example.com"),
    ("ResourceGroup", "permissions", ("permissions",), {**TEAM, "resourceArea": "dashboard"}),
    *(
        (
            "Dashboard",
            f"layouts.{size}",
            ("layouts", size),
            {"widget": "c", "x": 2, "y": 0, "w": 1, "h": 1},
        )
        for size in BREAKPOINTS
    ),
    ("Dashboard", "parameters", ("parameters",), {"name": "p0", "label": "P0"}),
    ("Dashboard", "parameters[].options", ("parameters", 0, "options"), "w"),
]


def _types(annotation: Any) -> Iterator[Any]:
    """The types an annotation allows (through Optional, unions and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _types(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _types(arg)
    else:
        yield annotation


def list_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        for kind in _types(info.annotation):
            if typing.get_origin(kind) is list:
                found.add(path)
                [item] = typing.get_args(kind)
                for item_type in _types(item):
                    if isinstance(item_type, type) and issubclass(item_type, BaseModel):
                        found |= list_fields(item_type, f"{path}[].")
            elif isinstance(kind, type) and issubclass(kind, BaseModel):
                found |= list_fields(kind, f"{path}.")
    return found


def test_every_list_field_of_every_kind_is_covered() -> None:
    declared = {(kind, path) for kind, model in SPEC_MODELS.items() for path in list_fields(model)}
    assert declared == {(kind, field) for kind, field, _, _ in INSERTIONS}


def inserted(spec: dict[str, Any], where: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    result = copy.deepcopy(spec)
    node: Any = result
    for part in where:
        node = node[part]
    node.insert(0 if where[-1] != "condition" else 1, value)  # a condition starts AND|OR
    return result


@pytest.mark.parametrize(
    ("kind", "where", "value"),
    [(kind, where, value) for kind, _, where, value in INSERTIONS],
    ids=[f"{kind}.{field}" for kind, field, _, _ in INSERTIONS],
)
def test_inserting_one_element_in_a_list_shows_one_insertion(
    empty_account: Account,
    kind: str,
    where: tuple[str | int, ...],
    value: Any,
) -> None:
    name = f"lists-{kind.lower()}"
    prelude = PRELUDES.get(kind, "")
    empty_account.write("m.yaml", prelude + manifest(kind, name, BASES[kind]))
    applied = empty_account.run("apply", empty_account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    changed = inserted(BASES[kind], where, value)
    empty_account.write("m.yaml", prelude + manifest(kind, name, changed))

    text, md = plans(empty_account)

    for block in (change_block(text, f"{kind}/{name}"), markdown_block(md, f"{kind}/{name}")):
        signs = [line.lstrip()[0] for line in block]
        assert "-" not in signs, "\n".join(block)
        added = [line.lstrip()[2:] for line in block if line.lstrip().startswith("+")]
        depth = min(len(line) - len(line.lstrip()) for line in added)
        elements = [line for line in added if line[depth:].startswith("- ")]
        assert len(elements) == 1 and added[0] == elements[0], "\n".join(block)


# -- created objects --------------------------------------------------------------------

CREATED = {
    "Question": {"title": "New", "queries": [{"name": "q", "query": "FIND A\nWITH x = 1"}]},
    "AlertRule": {
        "description": "multi\nline",
        "question": {"queries": [{"name": "q", "query": "FIND A"}]},
        "operations": [
            {
                "when": {"condition": ["AND", ["queries.q.total", ">", 0]]},
                "actions": [
                    {
                        "type": "WEBHOOK",
                        "endpoint": "https://hooks.example.com/T0/literal-secret-path",
                        "method": "POST",
                        "headers": {"Authorization": "Bearer ${env:HOOK_TOKEN}"},
                    }
                ],
            }
        ],
    },
    "IamGroup": {"abacPermissions": ["readGraph"], "queryPolicy": [{"_class": ["Host"]}]},
}
HOOK_TOKEN = "tok-7c1e9b55d2a04f"


def created_documents(block: list[str]) -> str:
    prefix = block[0].index("+ ") + 2
    assert all(line[prefix - 2] == "+" for line in block)
    return "\n".join(line[prefix:] for line in block) + "\n"


def test_created_objects_are_the_manifests_as_written_and_load_back(
    empty_account: Account,
    tmp_path: Path,
) -> None:
    for kind, spec in CREATED.items():
        empty_account.write(f"{kind}.yaml", manifest(kind, f"new-{kind.lower()}", spec))
    env = {"HOOK_TOKEN": HOOK_TOKEN}
    text = empty_account.run("plan", empty_account.manifests, env=env).stdout
    md = empty_account.run("plan", empty_account.manifests, "--format", "markdown", env=env).stdout
    plan_json = empty_account.run(
        "plan", empty_account.manifests, "--format", "json", env=env
    ).stdout

    for output in (text, md, plan_json):
        assert HOOK_TOKEN not in output and "literal-secret-path" not in output
    for kind, spec in CREATED.items():
        address = f"{kind}/new-{kind.lower()}"
        for block in (change_block(text, address), markdown_block(md, address)):
            yaml_text = created_documents(block)
            assert "null" not in yaml_text and "includeDeleted" not in yaml_text  # no defaults
            path = tmp_path / "loaded" / f"{kind}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml_text, encoding="utf-8")
            [loaded] = load_manifests([path]).manifests
            written = loaded.spec.model_dump(mode="json", exclude_unset=True)
            assert written == masked(spec), yaml_text
            assert YAML(typ="safe").load(yaml_text)["metadata"]["name"] == f"new-{kind.lower()}"


def masked(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as the plan shows it: credentials and `${env:}` values as (sensitive)."""
    shown = copy.deepcopy(spec)
    for operation in shown.get("operations", []):
        for action in operation["actions"]:
            action["endpoint"] = "(sensitive)"
            action["headers"] = {"Authorization": "(sensitive)"}
    return shown
