"""YAML's less common constructs, through the CLI: each is a problem or a warning at its
line, never an internal error nor a raw Python warning.

- A mapping whose only key is a merge (`- <<: {name: q, query: ...}`, `metadata: {<<:
  ...}`) has no position record at all in ruamel: placing a problem in it ended validate
  in 'internal error: AttributeError'.
- A YAML tag that makes a value JSON cannot hold (`!!binary`'s bytes, `!!set`, `!!pairs`,
  a tagged mapping or list) in a free-form field passed validate; plan then failed
  ('internal error: PydanticSerializationError') or sent it changed (`!!binary aGVsbG8=`
  as 'hello').
- An anchor defined twice leaked ruamel's ReusedAnchorWarning (naming "<unicode
  string>"), as did a `%YAML 1.1` float without a dot (MantissaNoDotYAML1_1Warning).
- Keys YAML 1.2 tells apart but Python does not (`true:` and `1:`) were 'found duplicate
  key "1"'; `0:` (ruamel's ScalarInt) was told as a wrong value, not as a key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

QUESTION = "apiVersion: j1sync/v1\nkind: Question\n"
RULE_HEAD = "apiVersion: j1sync/v1\nkind: AlertRule\nmetadata:\n  name: r1\nspec:\n"
QUESTION_Q1 = (
    "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: q1\n"
    "spec:\n  title: T\n  queries:\n    - {name: query0, query: Find User}\n"
)


def _validate(tmp_path: Path, files: dict[str, str], *args: str) -> tuple[int, str, str]:
    """validate's exit code, its problems (stderr) and the rest of its stderr."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = j1sync_here(["validate", *args, "."], {}, tmp_path)
    for said in (done.stdout, done.stderr):
        assert "internal error" not in said and "Traceback" not in said, said
        assert "Warning" not in said and "<unicode string>" not in said, said
    return done.returncode, done.stderr, done.stdout + done.stderr


MERGED_ONLY = {
    "list item": (
        QUESTION + "metadata:\n  name: q1\nspec:\n  title: T\n  queries:\n"
        '    - <<: {name: query0, query: "Find User AS u RETURN x.name"}\n',
        "m.yaml:8:56: Question/q1: spec.queries[0].query: J1QL: 'x' is not defined",
    ),
    "metadata": (
        QUESTION + 'metadata:\n  <<: {name: "bad name "}\nspec:\n  title: T\n'
        "  queries: [{name: query0, query: Find User}]\n",
        "m.yaml:4:14: Question/bad name : metadata.name: must not start or end with whitespace",
    ),
    "top level": (
        "<<: {apiVersion: j1sync/v1, kind: Question, metadata: {<<: {name: q1, x: 1}}}\n"
        "spec: {title: T, queries: [{name: query0, query: Find User}]}\n",
        "m.yaml:1:71: Question/q1: metadata.x: unknown field 'x'",
    ),
    "spec and a nested action": (
        RULE_HEAD + "  <<: {questionRef: q1}\n  operations:\n    - <<: {actions: "
        "[{<<: {type: SET_PROPERTY, integrationInstance: 5}}]}\n",
        "m.yaml:8:69: AlertRule/r1: spec.operations[0].actions[0].integrationInstance: "
        "Input should be a valid string",
    ),
    "xyOps": (
        "apiVersion: xyops.j1sync/v1\nkind: Event\nmetadata: {<<: {name: e1}}\nspec:\n"
        "  <<: {title: E, category: general, plugin: shellplug, targets: [t]}\n"
        "  triggers:\n    - <<: {type: schedule, hours: [x]}\n",
        "m.yaml:7:36: xyops.Event/e1: spec.triggers[0].hours[0]: xyOps refuses it",
    ),
    "OpenCTI": (
        "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  <<: {name: l1}\n"
        "spec:\n  <<: {color: 5}\n",
        "m.yaml:6:15: opencti.Label/l1: spec.color: Input should be a valid string",
    ),
}


@pytest.mark.parametrize("where", list(MERGED_ONLY))
def test_a_problem_in_a_mapping_of_merged_keys_only_is_placed(tmp_path: Path, where: str) -> None:
    text, expected = MERGED_ONLY[where]
    files = {"m.yaml": text}
    if "AlertRule" in text:
        files["q.yaml"] = QUESTION_Q1
    code, out, _ = _validate(tmp_path, files)
    assert code == 1 and expected in out, out


def test_a_problem_in_j1sync_yaml_of_merged_keys_only_is_placed(tmp_path: Path) -> None:
    files = {"j1sync.yaml": "safety:\n  <<: {bogus: 1}\n", "q.yaml": QUESTION_Q1}
    code, out, _ = _validate(tmp_path, files)
    assert code == 1 and "j1sync.yaml:2:8: j1sync.yaml: safety.bogus: unknown field" in out, out


def _rule(action_value: str) -> str:
    return (
        RULE_HEAD + "  questionRef: q1\n  operations:\n    - actions:\n"
        f"        - type: SET_PROPERTY\n          targetValue: {action_value}\n"
    )


NOT_JSON = {
    "!!binary /w==": "10:24: AlertRule/r1: spec.operations[0].actions[0].targetValue: "
    "YAML reads !!binary as bytes",
    "!!binary aGVsbG8=": "10:24: AlertRule/r1: spec.operations[0].actions[0].targetValue: "
    "YAML reads !!binary as bytes",
    "[a, !!binary aGk=]": "10:28: AlertRule/r1: spec.operations[0].actions[0].targetValue[1]: "
    "YAML reads !!binary as bytes",
    "!!set {a, b}": "10:24: AlertRule/r1: spec.operations[0].actions[0].targetValue: "
    "YAML reads !!set as a set",
    "!!pairs [{a: 1}, {a: 2}]": "10:24: AlertRule/r1: spec.operations[0].actions[0]."
    "targetValue: YAML reads !!pairs as a list of pairs",
    "!!omap [{a: 1}]": "10:11: AlertRule/r1: spec.operations[0].actions[0].targetValue: "
    "unsupported YAML tag !!omap",
    "!custom {a: 1}": "10:11: AlertRule/r1: spec.operations[0].actions[0].targetValue: "
    "unsupported YAML tag !custom",
    "!!python/tuple [1, 2]": "10:11: AlertRule/r1: spec.operations[0].actions[0]."
    "targetValue: unsupported YAML tag !!python/tuple",
}


@pytest.mark.parametrize("value", list(NOT_JSON))
def test_a_value_json_cannot_hold_is_refused_at_its_line(tmp_path: Path, value: str) -> None:
    files = {"r.yaml": _rule(value), "q.yaml": QUESTION_Q1}
    code, out, _ = _validate(tmp_path, files)
    assert code == 1 and f"r.yaml:{NOT_JSON[value]}" in out, out
    planned = j1sync_here(["plan", "--emulator", "."], {}, tmp_path)
    assert planned.returncode == 1, planned.stdout + planned.stderr
    assert f"r.yaml:{NOT_JSON[value]}" in planned.stdout + planned.stderr
    assert "internal error" not in planned.stdout + planned.stderr


def test_bytes_are_refused_in_every_free_form_field(tmp_path: Path) -> None:
    rule = (
        RULE_HEAD + "  questionRef: q1\n  templates: {a: !!binary aGk=}\n  operations:\n"
        "    - when: {type: FILTER, condition: [AND, [!!binary aGk=, '>', 0]]}\n"
        "      actions: [{type: X, !!binary aGk=: 1}]\n"
    )
    event = (
        "apiVersion: xyops.j1sync/v1\nkind: Event\nmetadata: {name: e1}\nspec:\n"
        "  title: E\n  category: general\n  plugin: shellplug\n  targets: [t]\n"
        "  params: {script: !!binary aGk=}\n"
    )
    files = {"r.yaml": rule, "q.yaml": QUESTION_Q1, "e.yaml": event}
    code, out, _ = _validate(tmp_path, files)
    assert code == 1
    for expected in (
        "r.yaml:7:18: AlertRule/r1: spec.templates.a: YAML reads !!binary as bytes",
        "r.yaml:9:46: AlertRule/r1: spec.operations[0].when.condition[1][0]: YAML reads "
        "!!binary as bytes",
        "r.yaml:10:27: AlertRule/r1: spec.operations[0].actions[0].aGk=: a key must be text: "
        "YAML reads a !!binary key as bytes",
        "e.yaml:9:20: xyops.Event/e1: spec.params.script: YAML reads !!binary as bytes",
    ):
        assert expected in out, out


def test_an_anchor_defined_again_is_a_warning_at_its_line(tmp_path: Path) -> None:
    text = (
        QUESTION + "metadata:\n  name: q1\nspec:\n  title: &a T\n  description: &a U\n"
        "  queries: [{name: query0, query: Find User}]\n"
    )
    code, out, err = _validate(tmp_path, {"m.yaml": text})
    assert code == 0, out + err
    assert (
        "warning: m.yaml:7:16: YAML anchor &a is defined again (first at line 6, column 10)"
    ) in err


def test_a_yaml_1_1_float_without_a_dot_is_a_warning_at_its_line(tmp_path: Path) -> None:
    text = "%YAML 1.1\n---\n" + _rule("1e3")
    code, out, err = _validate(tmp_path, {"r.yaml": text, "q.yaml": QUESTION_Q1})
    assert code == 0, out + err
    assert "warning: r.yaml:12:24: 1e3 is read as a number, though YAML 1.1" in err


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            "true: x\n    1: y",
            [
                "r.yaml:8:5: AlertRule/r1: spec.labels.true: a key must be text: YAML reads "
                'true as a boolean; quote it ("true")',
                "r.yaml:9:5: AlertRule/r1: spec.labels.1: a key must be text: YAML reads 1 as "
                'a number; quote it ("1")',
            ],
        ),
        (
            "1: x\n    1.0: y\n    0: z\n    false: w",
            [
                "r.yaml:8:5: AlertRule/r1: spec.labels.1: a key must be text",
                "r.yaml:9:5: AlertRule/r1: spec.labels.1.0: a key must be text: YAML reads 1.0 "
                'as a number; quote it ("1.0")',
                "r.yaml:10:5: AlertRule/r1: spec.labels.0: a key must be text: YAML reads 0 as "
                'a number; quote it ("0")',
                "r.yaml:11:5: AlertRule/r1: spec.labels.false: a key must be text",
            ],
        ),
        ("1: x\n    0x1: y", ['r.yaml:9:5: YAML syntax error: found duplicate key "1"']),
    ],
    ids=["true-1", "numbers-and-booleans", "a-true-duplicate"],
)
def test_keys_yaml_tells_apart_are_no_duplicates(
    tmp_path: Path, keys: str, expected: list[str]
) -> None:
    text = RULE_HEAD + f"  questionRef: q1\n  labels:\n    {keys}\n"
    code, out, _ = _validate(tmp_path, {"r.yaml": text, "q.yaml": QUESTION_Q1})
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(expected) + 1, out  # and the count
    for said, line in zip(lines, expected, strict=False):  # in the file's order
        assert said.startswith(line), out
