"""`j1sync emulator serve --seed FILE` with a seed whose objects are wrong: a field missing,
an object that is not a mapping, a collection that is not a list, an id given twice, a
value of the wrong type, a YAML date or a .nan JSON cannot hold. Each used to be a Python
error's name and text (`KeyError: 'email'`, `AttributeError: 'int' object has no attribute
'get'`, `IntegrityError: UNIQUE constraint failed: ...`, `TypeError: Object of type date is
not JSON serializable`) naming neither the collection nor the object, and a .nan was
stored and served; each is now one line naming the file, the object (`users[1]`) or the
field (`users[0].firstName`) and what is wrong there, and no database is left behind.

A value an API enum has not (a rule's `pollingInterval: BOGUS`, a dashboard's `type`, a
query's `resultsAre`) was stored, and every read of it then failed ("Enum
'SchedulerPollingInterval' cannot represent value: 'BOGUS'"); it is refused the same way,
naming the values the enum has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

QUESTION = "{title: q, queries: [{query: 'Find User'}]}"

# file name -> (content, what the one error line says after "seed <file>: ")
SEEDS = {
    "no-email.yaml": (
        "users: [{email: a@example.com}, {firstName: Jo}]\n",
        "users[1]: missing field 'email'",
    ),
    "user-a-number.yaml": (
        "users: [5]\n",
        "users[0]: expected an object (a mapping), not a number",
    ),
    "users-an-object.yaml": ("users: {a: 1}\n", "users: expected a list of objects, not an object"),
    "rules-a-number.json": ('{"rules": 5}', "rules: expected a list of objects, not a number"),
    "same-id.yaml": (
        "users: [{email: a@example.com, id: u1}, {email: b@example.com, id: u1}]\n",
        "users[1]: id 'u1' is taken by an object before it",
    ),
    "no-value.yaml": (
        "parameters: [{name: a, value: 1}, {name: b}]\n",
        "parameters[1]: missing field 'value'",
    ),
    "queries-text.yaml": (
        f"questions: [{QUESTION}, {{title: r, queries: 'Find User'}}]\n",
        "questions[1].queries: expected a list, not a string",
    ),
    "no-query.yaml": (
        "questions: [{title: q, queries: []}]\n",
        "questions[0]: A question must have at least one query",
    ),
    "unknown-group.yaml": (
        "rules: [{name: r, resourceGroup: nope, operations: [], question: "
        "{queries: [{name: q, query: 'Find User'}]}}]\n",
        "rules[0]: no resource group named 'nope'",
    ),
    # Python's words were the line ("string indices must be integers, not 'str'")
    "permissions-an-object.yaml": (
        "resourceGroups: [{name: rg, permissions: {nogroup: {}}}]\n",
        "resourceGroups[0]: permissions: a list of objects, not an object",
    ),
    "permission-a-number.yaml": (
        "resourceGroups: [{name: rg, permissions: [5]}]\n",
        "resourceGroups[0]: permissions[0]: an object, not a number",
    ),
}

# values JSON cannot hold: (content, where the line says it is)
NOT_JSON = {
    "date.yaml": (
        "users: [{email: a@example.com, firstName: 2024-01-01}]\n",
        "users[0].firstName: 2024-01-01 is a YAML date",
    ),
    "nan.yaml": (
        "parameters: [{name: a, value: .nan}]\n",
        "parameters[0].value: .nan is not a number JSON can hold",
    ),
    "nan.json": (
        '{"parameters": [{"name": "a", "value": NaN}]}',
        "parameters[0].value: NaN is not a number",
    ),
    "infinity.json": (
        '{"entities": [{"_type": "x", "size": -Infinity}]}',
        "entities[0].size: -Infinity is not a number",
    ),
}


def _one_error_line(tmp_path: Path, name: str, content: str) -> str:
    (tmp_path / name).write_text(content, encoding="utf-8")
    args = ["emulator", "serve", "--port", "0", "--db", "state.db", "--seed", name]
    done = run_j1sync(args, {}, tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Error" not in done.stderr.replace("Error: ", "", 1), done.stderr  # no Python error
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, done.stderr
    assert not (tmp_path / "state.db").exists()
    assert not (tmp_path / "state.db.lock").exists()  # nor its lock file
    return errors[0]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_wrong_seed_object_is_named_with_its_place(tmp_path: Path, name: str) -> None:
    content, says = SEEDS[name]
    line = _one_error_line(tmp_path, name, content)
    assert line.startswith(f"Error: cannot start the emulator: seed {name}: {says}"), line


@pytest.mark.parametrize("name", sorted(NOT_JSON))
def test_a_value_json_cannot_hold_is_named_at_its_field(tmp_path: Path, name: str) -> None:
    content, says = NOT_JSON[name]
    line = _one_error_line(tmp_path, name, content)
    assert line.startswith(
        f"Error: cannot start the emulator: cannot read seed file {name}: {says}"
    )


RULE = "{name: r, operations: [], question: {queries: [{name: q, query: 'Find User'}]}"
# values no enum of the API type holds: (content, what the line says after "seed <file>: ")
ENUMS = {
    "polling.yaml": (
        f"rules: [{RULE}}}, {RULE}, pollingInterval: BOGUS}}]\n",
        "rules[1].pollingInterval: 'BOGUS' is not one of DISABLED, THIRTY_MINUTES, ",
    ),
    "board-type.yaml": (
        "dashboards: [{name: b, type: Team}]\n",
        "dashboards[0].type: 'Team' is not one of Account, User",
    ),
    "results-are.yaml": (
        "questions: [{title: q, queries: [{query: Find User, resultsAre: MAYBE}]}]\n",
        "questions[0].queries[0].resultsAre: 'MAYBE' is not one of BAD, GOOD, INFORMATIVE, ",
    ),
    "instance-polling.yaml": (
        "integrationDefinitions: [{type: aws, name: AWS}]\n"
        "integrationInstances: [{name: i, definition: aws, pollingInterval: HOURLY}]\n",
        "integrationInstances[0].pollingInterval: 'HOURLY' is not one of ",
    ),
}


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_a_value_no_api_enum_holds_is_named_with_the_values(tmp_path: Path, name: str) -> None:
    content, says = ENUMS[name]
    line = _one_error_line(tmp_path, name, content)
    assert line.startswith(f"Error: cannot start the emulator: seed {name}: {says}"), line


# values of a type the API's field does not take, which the emulator stored and then
# served as the real API never answers: (content, the line after "seed <file>: ")
TYPES = {
    "tags-text.yaml": (
        "questions: [{title: q, tags: j1sync, queries: [{query: Find User}]}]\n",
        "questions[0].tags: expected a list, not a string",
    ),
    "description-number.yaml": (
        f"rules: [{RULE}, description: 5}}]\n",
        "rules[0].description: expected String, not a number",
    ),
    "name-list.yaml": (
        "questions: [{title: q, queries: [{name: [a], query: Find User}]}]\n",
        "questions[0].queries[0].name: expected one value, not a list",
    ),
    "flag-text.yaml": (
        f"rules: [{RULE}, notifyOnFailure: 'yes'}}]\n",
        "rules[0].notifyOnFailure: expected Boolean, not a string",
    ),
    "question-text.yaml": (
        "rules: [{name: r, operations: [], question: Find User}]\n",
        "rules[0].question: expected an object (a mapping), not a string",
    ),
    "board-flag-text.yaml": (
        "dashboards: [{name: b, type: Account, published: 'no'}]\n",
        "dashboards[0].published: expected Boolean, not a string",
    ),
}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_a_value_of_a_type_the_api_field_does_not_take_is_named(tmp_path: Path, name: str) -> None:
    content, says = TYPES[name]
    line = _one_error_line(tmp_path, name, content)
    assert line.startswith(f"Error: cannot start the emulator: seed {name}: {says}"), line
