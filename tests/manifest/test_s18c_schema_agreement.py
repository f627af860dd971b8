"""`j1sync schema` and `j1sync validate` agree on each field of every kind of every system.

Each example document (examples/manifests, plus the two xyOps kinds the examples lack and
a workflow event) is changed one field at a time: the field left out, null, empty, blank,
padded, too long, of another type, an int as a string, unicode, a control character, each
value the schema lists, in the wrong case, from `${env:NAME}`, and every key the schema
offers added; an unknown key added to every mapping. The variants of a document load in
one run (load_manifests, what `validate` runs), each also goes through the kind's printed
schema (jsonschema, as an editor would), and:

- what the loader accepts, the schema accepts: an editor must never mark red a document
  that `validate` passes;
- what the loader refuses at the changed field itself, the schema refuses too, unless the
  rule is one the schema leaves out on purpose (LEFT_OUT: rules between fields, between
  documents, or that need parsing), each with its reason.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from j1sync.cli import cli
from j1sync.env_reference import VALID_ENV_REFERENCE
from j1sync.errors import ManifestError, ManifestProblem
from j1sync.manifest import load_manifests
from j1sync.manifest.model_base import WHITESPACE
from j1sync.providers.registry import system_for_api_version, systems
from tests.examples import EXAMPLES

Path_ = tuple[str | int, ...]

# Kinds the examples do not show, as docs/xyops.md writes them, and a workflow event.
EXTRA_DOCUMENTS: list[dict[str, Any]] = [
    {
        "apiVersion": "xyops.j1sync/v1",
        "kind": "WebHook",
        "metadata": {"name": "ops_chat"},
        "spec": {
            "title": "Ops chat",
            "url": "https://chat.example.com/hook",
            "method": "POST",
            "headers": [{"name": "Authorization", "value": "Bearer token"}],
        },
    },
    {
        "apiVersion": "xyops.j1sync/v1",
        "kind": "Event",
        "metadata": {"name": "nightly_flow"},
        "spec": {
            "title": "Nightly flow",
            "category": "general",
            "type": "workflow",
            "workflow": {
                "nodes": [
                    {"id": "n1", "type": "trigger", "x": 0, "y": 0},
                    {"id": "n2", "type": "note", "x": 100, "y": 0, "data": {"text": "hi"}},
                ],
                "connections": [{"id": "c1", "source": "n1", "dest": "n2"}],
            },
        },
    },
    {
        "apiVersion": "xyops.j1sync/v1",
        "kind": "Role",
        "metadata": {"name": "operators"},
        "spec": {"title": "Operators", "privileges": {"run_jobs": True}},
    },
]

# One field's values, by what they try.
VALUES: list[tuple[str, Any]] = [
    ("null", None),
    ("empty", ""),
    ("blank", "  \t"),
    ("padded", " x "),
    ("one character", "a"),
    ("long", "x" * 300),
    ("int", 7),
    ("negative", -1),
    ("float", 1.5),
    ("bool", True),
    ("int as string", "7"),
    ("unicode", "naïve ✓ 日本 \u202e"),
    ("control character", "a\x01b"),
    ("list", []),
    ("mapping", {}),
]
# A key the document leaves out, added with fewer values (a field's own are tried above).
ADDED = {label for label, _ in VALUES} - {"padded", "unicode", "control character"}

# Rules the loader checks that the schema leaves out, by system, kind, field (a regex over
# the field's path, list indexes as []) and the loader's message (a regex): each is
# between fields or documents, or needs parsing.
LEFT_OUT: list[tuple[str, str, str, str, str]] = [
    # (system, kind, field, message, why)
    ("*", "*", r".*", r"no \w+ manifest named", "names another document"),
    ("opencti", "*", r"metadata\.name", r"OpenCTI takes .* for one", "as another document's"),
    ("jupiterone", "Dashboard", r"spec\.widgets\..*\.settings", r"JSON|mapping", "JSON text"),
    ("jupiterone", "Dashboard", r"spec\.layouts\..*\.widget", r"not declare", "names a widget"),
    ("xyops", "Event", r"spec\.workflow\.connections.*", r"no node", "names a node"),
]


@functools.cache
def _schema(system: str, kind: str) -> Draft202012Validator:
    """`j1sync schema --system S --kind K`: the kind's branch of the system's schema."""
    result = CliRunner().invoke(cli, ["schema", "--system", system, "--kind", kind])
    assert result.exit_code == 0, result.output
    return Draft202012Validator(json.loads(result.stdout))


def _system(document: dict[str, Any]) -> str:
    system = system_for_api_version(document["apiVersion"])
    assert system is not None
    return system.name


def _base_documents() -> list[dict[str, Any]]:
    found = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        found += [d for d in YAML(typ="safe").load_all(path.read_text()) if d is not None]
    return found + EXTRA_DOCUMENTS


BASES = _base_documents()
ENV = {
    name: "https://env.example.com/value" for name in VALID_ENV_REFERENCE.findall(json.dumps(BASES))
}


def _reference(value: str) -> str:
    """`${env:NAME}` of a variable that holds `value` (ENV)."""
    name = "S18C_" + hashlib.sha256(value.encode()).hexdigest()[:12].upper()
    ENV[name] = value
    return f"${{env:{name}}}"


def _field(path: Path_) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _get(node: Any, path: Path_) -> Any:
    for step in path:
        node = node[step]
    return node


def _with(document: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    _get(changed, path[:-1])[path[-1]] = value
    return changed


def _without(document: dict[str, Any], path: Path_) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    del _get(changed, path[:-1])[path[-1]]
    return changed


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        yield (*prefix, key)
        if isinstance(value, (dict, list)):
            yield from _paths(value, (*prefix, key))


# -- the schema's view of a place: its properties and enum values ----------------------------


def _alternatives(schema: Any, root: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        yield from _alternatives(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            yield from _alternatives(branch, root)
    yield schema


def _at(root: dict[str, Any], path: Path_) -> list[dict[str, Any]]:
    places = [root]
    for step in path:
        following = []
        for place in places:
            for alternative in _alternatives(place, root):
                if isinstance(step, int):
                    following.append(alternative.get("items"))
                else:
                    properties = alternative.get("properties") or {}
                    following.append(properties.get(step, alternative.get("additionalProperties")))
        places = [p for p in following if isinstance(p, dict)]
    return [a for place in places for a in _alternatives(place, root)]


def _offered(root: dict[str, Any], path: Path_) -> tuple[set[str], list[Any]]:
    """The keys the schema offers at `path` and the values it lists for it."""
    keys: set[str] = set()
    values: list[Any] = []
    for alternative in _at(root, path):
        keys |= set(alternative.get("properties") or {})
        values += alternative.get("enum", [])
        if "const" in alternative:
            values.append(alternative["const"])
    return keys, values


def _free(root: dict[str, Any], path: Path_) -> bool:
    """Whether the schema takes anything in the value at `path` (a widget's settings):
    nothing to try inside it."""
    return all(set(a) <= {"type", "description", "default"} for a in _at(root, path)) and any(
        a.get("type") == "object" for a in _at(root, path)
    )


def _variants(document: dict[str, Any]) -> Iterator[tuple[Path_, str, dict[str, Any]]]:
    """(the changed field, how, the changed document)."""
    root = _schema(_system(document), document["kind"]).schema
    for path in _paths(document):
        if path[0] in ("apiVersion", "kind") or _free(root, path[:-1]):
            continue
        yield path, "left out", _without(document, path)
        for label, value in VALUES:
            yield path, label, _with(document, path, value)
        for value in _offered(root, path)[1]:
            yield path, f"= {value!r}", _with(document, path, value)
        current = _get(document, path)
        if isinstance(current, str) and current:
            yield path, "wrong case", _with(document, path, current.swapcase())
            yield path, "from the environment", _with(document, path, _reference(current))
    for path in [(), *_paths(document)]:
        node = _get(document, path)
        if not isinstance(node, dict):
            continue
        yield (*path, "unknownKey"), "unknown key", _with(document, (*path, "unknownKey"), 1)
        keys, _ = _offered(root, path)
        for key in sorted(keys - set(node)):
            for label, value in VALUES:
                if label in ADDED:
                    yield (*path, key), f"added, {label}", _with(document, (*path, key), value)
            for value in _offered(root, (*path, key))[1]:
                yield (*path, key), f"added = {value!r}", _with(document, (*path, key), value)


def _place(root: dict[str, Any], path: Path_) -> str:
    """The field as the schema knows it: list indexes, the keys of a mapping that names its
    own keys (a board's widgets) and keys alike in the schema (a board's breakpoints) as
    []."""
    steps = []
    for index, step in enumerate(path):
        named = False
        for alternative in _at(root, path[:index]):
            properties = alternative.get("properties") or {}
            alike = len({json.dumps(p, sort_keys=True) for p in properties.values()}) == 1
            named = named or (step in properties and not (alike and len(properties) > 1))
        steps.append(f"[{step}]" if isinstance(step, int) or not named else f".{step}")
    return re.sub(r"\[[^\]]*\]", "[]", "".join(steps).lstrip("."))


def _cases(system: str, kind: str) -> list[tuple[str, dict[str, Any], Path_, str, dict[str, Any]]]:
    """One variant per field of the kind (list indexes as []) and change."""
    seen: set[tuple[str, str, str, str]] = set()
    cases = []
    for base in (b for b in BASES if (_system(b), b["kind"]) == (system, kind)):
        root = _schema(_system(base), base["kind"]).schema
        for path, how, variant in _variants(base):
            key = (_system(base), base["kind"], _place(root, path), how)
            if key not in seen:
                seen.add(key)
                cases.append((_system(base), base, path, how, variant))
    return cases


# -- the loader's view -------------------------------------------------------------------------

# What the variants of one document say of each other, loaded together: not about a field.
_BATCH_ONLY = re.compile(r"^duplicate .*: also defined at|an instance has one schedule")


def _load_together(
    base: dict[str, Any], variants: list[dict[str, Any]], folder: Path
) -> list[list[ManifestProblem]]:
    """Each variant's problems (those at its own file), loaded in one run beside the other
    documents of its system, which its references may name (the base itself left out)."""
    system = _system(base)
    for index, other in enumerate(d for d in BASES if _system(d) == system and d is not base):
        (folder / f"context{index}.yaml").write_text(json.dumps(other), encoding="utf-8")
    files = [folder / f"variant{index:05}.yaml" for index in range(len(variants))]
    for file, variant in zip(files, variants, strict=True):
        file.write_text(json.dumps(variant), encoding="utf-8")
    try:
        load_manifests([folder], env=ENV)
        problems: list[ManifestProblem] = []
    except ManifestError as error:
        problems = [p for p in error.problems if not _BATCH_ONLY.search(p.message)]
    by_file: dict[Path, list[ManifestProblem]] = {file: [] for file in files}
    for problem in problems:
        file = Path(problem.location.file) if problem.location else None
        if file in by_file:
            by_file[file].append(problem)
        else:  # a context document: only a variant can have broken it
            assert file is not None and file.name.startswith("context"), problem
    return [by_file[file] for file in files]


def _left_out(system: str, kind: str, problem: ManifestProblem) -> bool:
    field = re.sub(r"\[\d+\]", "[]", problem.field or "")
    return any(
        s in ("*", system)
        and k in ("*", kind)
        and re.fullmatch(f, field)
        and re.search(m, problem.message)
        for s, k, f, m, _ in LEFT_OUT
    )


def _at_field(problem: ManifestProblem, field: str) -> bool:
    """A problem of the changed field itself (or below it)."""
    at = problem.field or ""
    return at == field or at.startswith((f"{field}.", f"{field}["))


KINDS = [(s.name, kind) for s in systems() for kind in s.kinds]


@pytest.mark.parametrize(("system", "kind"), KINDS, ids=[f"{s}-{k}" for s, k in KINDS])
def test_schema_and_validate_agree_field_by_field(system: str, kind: str, tmp_path: Path) -> None:
    cases = _cases(system, kind)  # this kind's only: an xdist worker runs a few kinds
    bases = list({id(base): base for _, base, _, _, _ in cases}.values())
    stricter, looser = [], []
    for number, base in enumerate(bases):
        own = [(path, how, variant) for _, b, path, how, variant in cases if b is base]
        folder = tmp_path / f"base{number}"
        folder.mkdir()
        found = _load_together(base, [base] + [variant for _, _, variant in own], folder)
        assert found[0] == [], [str(p) for p in found[0]]  # the base document is valid
        schema = _schema(system, kind)
        for (path, how, variant), problems in zip(own, found[1:], strict=True):
            errors = list(schema.iter_errors(variant))
            shown = f"{_field(path)} {how}"
            if not problems and errors:
                stricter.append(f"{shown}: the schema says {errors[0].message[:100]}")
            field = _field(path)
            at_field = [p for p in problems if _at_field(p, field)]
            kept = [p for p in at_field if not _left_out(system, kind, p)]
            if kept and not errors:
                looser.append(f"{shown}: validate says {kept[0].field}: {kept[0].message[:100]}")
    assert stricter == [], "the schema refuses what validate accepts:\n" + "\n".join(stricter)
    assert looser == [], "the schema accepts what validate refuses:\n" + "\n".join(looser)
    assert len(cases) > 50


def test_whitespace_is_what_python_strips() -> None:
    """model_base.WHITESPACE (the schema patterns' whitespace, as JavaScript reads it too)
    is exactly what str.strip() removes."""
    spelt = re.compile(f"[{WHITESPACE}]")
    every = (chr(c) for c in range(sys.maxunicode + 1))
    assert [c for c in every if c.isspace() != bool(spelt.fullmatch(c))] == []


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("condition", "tag:ops_1", True),
        ("condition", "tag:café", False),  # Python's \w took it; xyOps' JavaScript does not
        ("algo", "monitor:load_avg", True),
        ("algo", "monitor:é", False),
    ],
)
def test_an_xyops_tag_or_monitor_id_is_ascii_for_validate_and_schema(
    field: str, value: str, accepted: bool, tmp_path: Path
) -> None:
    event = copy.deepcopy(next(d for d in BASES if d["kind"] == "Event"))
    spec = event["spec"]
    if field == "condition":
        spec["actions"] = [{"condition": value, "type": "disable"}]
    else:
        spec["algo"] = value
    (problems,) = _load_together(event, [event], tmp_path)[:1]
    assert (problems == []) is accepted, problems
    assert _schema("xyops", "Event").is_valid(event) is accepted


def _example(kind: str, name: str) -> dict[str, Any]:
    return copy.deepcopy(
        next(d for d in BASES if (d["kind"], d["metadata"]["name"]) == (kind, name))
    )


RULE_QUESTION = {"queries": [{"name": "bad", "query": "Find User"}]}
RULE = ("AlertRule", "public-s3-buckets-alert")  # its questionRef names a Question example


@pytest.mark.parametrize(
    ("kind_and_name", "spec", "accepted"),
    [
        (RULE, {"question": None}, True),
        (RULE, {"question": RULE_QUESTION, "questionRef": None}, True),
        (RULE, {"question": RULE_QUESTION}, False),  # both
        (RULE, {"questionRef": None}, False),  # neither
        (RULE, {"questionRef": "${env:S18C_QUESTION}"}, True),
        (("IntegrationSchedule", "github-org"), {}, True),  # ONE_WEEK, hour 5, dayOfWeek 1
        (("IntegrationSchedule", "github-org"), {"pollingInterval": "ONE_DAY"}, False),
        (
            ("IntegrationSchedule", "github-org"),
            {"pollingInterval": "ONE_DAY", "dayOfWeek": None},
            True,
        ),
        (
            ("IntegrationSchedule", "github-org"),
            {"pollingInterval": "ONE_HOUR", "dayOfWeek": None},
            False,
        ),
        (("IntegrationSchedule", "github-org"), {"pollingInterval": "${env:S18C_WEEKLY}"}, True),
    ],
)
def test_fields_that_go_together_in_validate_and_schema(
    kind_and_name: tuple[str, str], spec: dict[str, Any], accepted: bool, tmp_path: Path
) -> None:
    """An AlertRule's question or questionRef (one, not null), an IntegrationSchedule's
    hour and dayOfWeek only with the intervals that use them."""
    document = _example(*kind_and_name)
    document["spec"].update(spec)
    ENV.update(S18C_QUESTION="public-s3-buckets", S18C_WEEKLY="ONE_WEEK")
    (problems,) = _load_together(document, [document], tmp_path)[:1]
    assert (problems == []) is accepted, [str(p) for p in problems]
    assert _schema("jupiterone", document["kind"]).is_valid(document) is accepted


JOB = {"condition": "error", "type": "disable"}


@pytest.mark.parametrize(
    ("kind", "spec", "accepted"),
    [
        ("Event", {"actions": [{**JOB, "type": "email", "users": ["admin"]}]}, True),
        ("Event", {"actions": [{**JOB, "type": "email", "users": [], "email": "a@b.c"}]}, True),
        ("Event", {"actions": [{**JOB, "type": "email", "email": "a@b.c"}]}, False),  # users
        ("Event", {"actions": [{**JOB, "type": "email", "users": []}]}, False),
        ("Event", {"actions": [{**JOB, "type": "channel"}]}, False),
        ("Event", {"actions": [{**JOB, "type": "channel", "channel_id": "ops"}]}, True),
        ("Event", {"actions": [{**JOB, "type": "ticket", "ticket_type": "issue"}]}, False),
        ("Event", {"actions": [{**JOB, "type": "tag", "tags": []}]}, False),
        ("Event", {"actions": [{**JOB, "type": "label", "label": "a<b"}]}, False),
        ("Category", {"limits": [{"type": "time", "duration": 0}]}, False),
        ("Category", {"limits": [{"type": "time", "duration": 60}]}, True),
        ("Category", {"limits": [{"type": "retry"}]}, True),
        ("Event", {"plugin": ""}, False),
        ("Event", {"targets": []}, False),
        ("Event", {"type": "workflow"}, False),  # without its workflow
        ("Event", {"type": "${env:S18C_JOB_TYPE}"}, False),  # the loader: not a workflow
    ],
)
def test_what_an_xyops_type_needs_in_validate_and_schema(
    kind: str, spec: dict[str, Any], accepted: bool, tmp_path: Path
) -> None:
    """An action's, a limit's and an event's type and the fields it needs."""
    document = copy.deepcopy(next(d for d in BASES if d["kind"] == kind))
    document["spec"].update(spec)
    ENV.update(S18C_JOB_TYPE="workflow")
    (problems,) = _load_together(document, [document], tmp_path)[:1]
    assert (problems == []) is accepted, [str(p) for p in problems]
    schema_accepts = _schema("xyops", kind).is_valid(document)
    assert schema_accepts is accepted or (schema_accepts and "${env:" in json.dumps(spec))


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("report_types_ov:j1sync-state", True),
        ("report_types_ov:j1sync-state:apply", False),
        ("report_types_ov: J1SYNC-State:x", False),  # OpenCTI folds case and trims
    ],
)
def test_an_opencti_vocabulary_named_like_the_lock(
    name: str, accepted: bool, tmp_path: Path
) -> None:
    document = copy.deepcopy(next(d for d in BASES if d["kind"] == "Vocabulary"))
    document["metadata"]["name"] = name
    (problems,) = _load_together(document, [document], tmp_path)[:1]
    assert (problems == []) is accepted, [str(p) for p in problems]
    assert _schema("opencti", "Vocabulary").is_valid(document) is accepted


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


PATTERN_SAMPLES = [
    *("", " ", "a", " a", "a ", "a\nb", "\ufeff", "\ufeffa", "\x85", "a\x85", "\x1c", "\xa0"),
    *("\u2028", "\u180e", "\u200b", "${env:X}", "${env:}", "x@y.z", "é", "tag:é", "tag:ab"),
    *("monitor:x", "日本", "a<b", "http://x", "{{x}}", "POST", "report_types_ov: J1SYNC-STATE:a"),
    *("a:b", ":b", "a: ", "a\tb", "j1sync_a", "A_b1", "\U0001f600", "x" * 300),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (JavaScript's RegExp)")
def test_every_schema_pattern_reads_alike_in_javascript() -> None:
    """An editor reads the schema's patterns as JavaScript (with the u flag); jsonschema,
    and the loader's checks, as Python. They take the same strings (a `$` before a final
    line break aside, which only Python lets through: no sample ends with one)."""
    schemas = [_schema(s.name, kind).schema for s in systems() for kind in s.kinds]
    patterns = sorted({p for schema in schemas for p in _patterns(schema)})
    script = (
        "const [ps, ss] = JSON.parse(require('fs').readFileSync(0));"
        "console.log(JSON.stringify(ps.map(p => ss.map(s => new RegExp(p, 'u').test(s)))));"
    )
    answer = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([patterns, PATTERN_SAMPLES]),
        capture_output=True,
        text=True,
        check=True,
    )
    javascript = json.loads(answer.stdout)
    differ = [
        (pattern, sample)
        for pattern, verdicts in zip(patterns, javascript, strict=True)
        for sample, verdict in zip(PATTERN_SAMPLES, verdicts, strict=True)
        if (re.search(pattern, sample) is not None) != verdict
    ]
    assert differ == []
    assert len(patterns) > 10
