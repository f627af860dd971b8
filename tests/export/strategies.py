"""Hypothesis strategies: random JupiterOne accounts in the emulator's seed format.

Everything generated is valid for j1sync's manifests (names, permissions, hours, query
references), so an export of it must validate and be adopted with only the managed tag
added. Text is deliberately awkward: unicode, several lines, quotes, YAML look-alikes.
"""

from __future__ import annotations

import unicodedata
from typing import Any, get_args

from hypothesis import strategies as st

from j1sync.providers.jupiterone.j1ql.cursor import KEYWORDS, STOPS
from j1sync.providers.jupiterone.models.common import PollingInterval, ResultsAre
from j1sync.providers.jupiterone.models.permissions import ABAC_PERMISSIONS

EMAILS = ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com")
DEFINITIONS = ("aws", "github", "jira")
INTERVALS = get_args(PollingInterval)  # the manifest models' own enum
RESULTS_ARE = get_args(ResultsAre)
YAML_LOOKALIKES = ("yes", "no", "null", "~", "1.10", "2023-01-01", "0x1F", "- a", "a: b", "#x")

# Any character but surrogates; control characters only where JupiterOne text allows them.
_chars = st.characters(codec="utf-8")  # no lone surrogates
_name_chars = _chars.filter(lambda char: unicodedata.category(char) != "Cc")

free_text = st.one_of(
    st.text(_chars, max_size=30),
    st.sampled_from(YAML_LOOKALIKES),
    st.lists(st.text(_name_chars, max_size=12), min_size=2, max_size=4).map("\n".join),
)
object_name = st.one_of(
    st.text(_name_chars, min_size=1, max_size=24).map(str.strip).filter(bool),
    st.sampled_from(("a/b: c?", "Root account login", "CON", "..", "日本語", "yes")),
)
identifier = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
non_blank = st.text(_chars, min_size=1, max_size=30).filter(lambda s: s.strip() != "")
# a J1QL class or property name: not one of the words that begin or end clauses, which
# the checker rightly refuses there (`FIND A WITH as = 'a'`: an empty filter)
j1ql_word = identifier.filter(lambda word: word.upper() not in KEYWORDS | STOPS)
# J1QL the checker accepts without a word: a live account holds queries its API took
j1ql_query = st.one_of(
    st.sampled_from(
        (
            "Find Host",
            "FIND aws_s3_bucket WITH encrypted != true",
            "Find User that IS Person",
            "FIND * WITH _class = 'Host' LIMIT 10",
        )
    ),
    st.builds(
        lambda cls, prop, value: f"FIND {cls.capitalize()} WITH {prop} = '{value}'",
        j1ql_word,
        j1ql_word,
        identifier,
    ),
)
short_list = st.lists(st.text(_name_chars, min_size=1, max_size=10), max_size=3, unique=True)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


# A board parameter's default and options fit its value type: any text, a number, a boolean.
_BOARD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "string": st.text(_name_chars, min_size=1, max_size=8),
    "number": st.sampled_from(("0", "7", "-2.5", "1e3")),
    "boolean": st.sampled_from(("true", "false")),
}


@st.composite
def board_parameter(draw: st.DrawFn, name: str) -> dict[str, Any]:
    value_type = draw(st.sampled_from(("string", "number", "boolean")))
    values = _BOARD_VALUES[value_type]
    return {
        "name": name,
        "label": draw(non_blank),
        "type": draw(st.sampled_from(("QUERY_VARIABLE", "SCOPE_FILTER"))),
        "valueType": value_type,
        "options": draw(st.lists(values, max_size=3, unique=True)),
        "default": draw(maybe(values)),
        "disableCustomInput": draw(st.booleans()),
        "requireValue": draw(st.booleans()),
    }


def query_names() -> st.SearchStrategy[list[str]]:
    return st.lists(identifier, min_size=1, max_size=3, unique=True)


@st.composite
def question(draw: st.DrawFn, key: str, index: int) -> dict[str, Any]:
    """A saved question whose natural key is `key` (its name, or its title when the
    question has no name)."""
    nameless = draw(st.booleans())
    return {
        "id": f"question-{index}",
        "name": "" if nameless else key,
        "title": key if nameless else draw(non_blank),
        "description": draw(maybe(free_text)),
        "tags": draw(tags()),
        "showTrend": draw(st.booleans()),
        "pollingInterval": draw(st.sampled_from(INTERVALS)),
        "queries": [
            {
                "name": name,
                "query": draw(j1ql_query),
                "version": draw(st.sampled_from(("v1", "v2"))),
                "resultsAre": draw(st.sampled_from(RESULTS_ARE)),
                "includeDeleted": draw(st.booleans()),
            }
            for name in draw(query_names())
        ],
        "compliance": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"standard": non_blank, "requirements": short_list, "controls": short_list}
                ),
                max_size=2,
            )
        ),
    }


def tags() -> st.SearchStrategy[list[str]]:
    """Sometimes with the managed tag: such an object is already managed."""
    return st.lists(
        st.one_of(st.just("j1sync"), st.text(_name_chars, min_size=1, max_size=10)),
        max_size=3,
        unique=True,
    )


@st.composite
def operation(draw: st.DrawFn, queries: list[str]) -> dict[str, Any]:
    actions: list[dict[str, Any]] = [
        {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": draw(free_text)},
        {"type": "CREATE_ALERT"},
        {"type": "SEND_EMAIL", "recipients": list(EMAILS[:2]), "body": draw(free_text)},
    ]
    result: dict[str, Any] = {"actions": draw(st.lists(st.sampled_from(actions), max_size=3))}
    if draw(st.booleans()):
        condition = [
            f"queries.{draw(st.sampled_from(queries))}.total",
            draw(st.sampled_from((">", "=", "!="))),
            draw(st.integers(0, 5)),
        ]
        when: dict[str, Any] = {"type": "FILTER", "condition": ["AND", condition]}
        if draw(st.booleans()):
            when["version"] = 1  # the web app writes it; other clients may not
        result["when"] = when
    return result


@st.composite
def rule(draw: st.DrawFn, name: str, questions: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name}
    if draw(st.booleans()) and questions:
        saved = draw(st.sampled_from(questions))
        data["questionId"] = saved["id"]
        queries = [q["name"] for q in saved["queries"]]
    else:
        queries = draw(query_names())
        data["question"] = {
            "queries": [
                {
                    "name": query,
                    "query": draw(j1ql_query),
                    "version": draw(st.sampled_from(("v1", "v2"))),
                    "includeDeleted": draw(st.booleans()),
                }
                for query in queries
            ]
        }
    outputs = st.sampled_from(["alertLevel", *(f"queries.{q}.total" for q in queries)])
    labels = st.dictionaries(st.text(_name_chars, min_size=1, max_size=8), free_text, max_size=2)
    data.update(
        description=draw(maybe(free_text)),
        pollingInterval=draw(st.sampled_from(INTERVALS)),
        operations=draw(st.lists(operation(queries), max_size=2)),
        outputs=draw(st.lists(outputs, max_size=2, unique=True)),
        tags=draw(tags()),
        labels=[{"labelName": k, "labelValue": v} for k, v in draw(labels).items()],
        templates=draw(maybe(st.dictionaries(identifier, free_text, max_size=2))),
        notifyOnFailure=draw(st.booleans()),
        triggerActionsOnNewEntitiesOnly=draw(st.booleans()),
        ignorePreviousResults=draw(st.booleans()),
        remediationSteps=draw(maybe(free_text)),
    )
    return data


policy_scalar = st.one_of(
    st.booleans(),
    st.integers(-5, 1000),
    st.text(_name_chars, max_size=10),
    st.sampled_from(YAML_LOOKALIKES),
)
query_policy = st.lists(
    st.dictionaries(
        st.text(_name_chars, min_size=1, max_size=8),
        st.one_of(policy_scalar, st.lists(policy_scalar, max_size=3)),
        min_size=1,  # an empty statement is no manifest's (IamGroupSpec)
        max_size=3,
    ),
    max_size=2,
)


@st.composite
def iam_group(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": draw(maybe(free_text)),
        "abacPermissions": draw(st.lists(st.sampled_from(ABAC_PERMISSIONS), max_size=4)),
        "queryPolicy": draw(query_policy),
        "members": draw(st.lists(st.sampled_from(EMAILS), max_size=4, unique=True)),
    }


@st.composite
def integration_instance(draw: st.DrawFn, name: str) -> dict[str, Any]:
    interval = draw(st.sampled_from(INTERVALS))
    cron: dict[str, int] = {}
    if interval in ("ONE_DAY", "ONE_WEEK") and draw(st.booleans()):
        cron["hour"] = draw(st.integers(0, 23))
    if interval == "ONE_WEEK" and draw(st.booleans()):
        cron["dayOfWeek"] = draw(st.integers(0, 6))
    instance: dict[str, Any] = {
        "name": name,
        "definition": draw(st.sampled_from(DEFINITIONS)),
        "pollingInterval": interval,
    }
    if cron:
        instance["pollingIntervalCronExpression"] = cron
    return instance


parameter_name = st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True).filter(
    lambda name: not name.startswith("j1sync_")
)
parameter_scalar = st.one_of(
    free_text, st.integers(-(10**6), 10**6), st.sampled_from((0.5, -2.25, 3.125)), st.booleans()
)


@st.composite
def parameter(draw: st.DrawFn, name: str, secrets: bool) -> dict[str, Any]:
    """A parameter; with `secrets`, now and then a secret, whose value cannot be read back:
    export writes it as `${env:…}` and the first apply writes it once
    (tests/export/test_property.py)."""
    if secrets and draw(st.integers(0, 3)) == 0:
        return {"name": name, "value": draw(non_blank), "secret": True}
    value = draw(st.one_of(parameter_scalar, st.lists(parameter_scalar, max_size=3)))
    return {"name": name, "value": value, "secret": False}


@st.composite
def resource_group(draw: st.DrawFn, name: str, iam_groups: list[str]) -> dict[str, Any]:
    """A resource group with permissions for some of the account's IAM groups."""
    keys = st.tuples(
        st.sampled_from(iam_groups),
        st.one_of(st.sampled_from(("rule", "dashboard")), identifier),
        st.one_of(st.just("resource_group"), st.just("*"), identifier),
    )
    chosen = draw(st.lists(keys, max_size=3, unique=True)) if iam_groups else []
    flags = ("canCreate", "canRead", "canUpdate", "canDelete")
    return {
        "name": name,
        "permissions": [
            {
                "group": group,
                "resourceArea": area,
                "resourceType": kind,
                **{flag: draw(st.booleans()) for flag in flags},
            }
            for group, area, kind in chosen
        ],
    }


widget_id = st.one_of(st.uuids().map(str), st.from_regex(r"[a-z][a-z0-9_.-]{0,8}", fullmatch=True))
json_scalar = st.one_of(st.booleans(), st.integers(-5, 100), st.text(_name_chars, max_size=8))
widget_settings = st.dictionaries(
    st.text(_name_chars, min_size=1, max_size=8),
    st.one_of(json_scalar, st.dictionaries(identifier, json_scalar, max_size=2)),
    max_size=3,
)


@st.composite
def board(
    draw: st.DrawFn, name: str, questions: list[dict[str, Any]], resource_groups: list[str]
) -> dict[str, Any]:
    """An account board as the app leaves it: widgets with UUIDs (or ids of a manifest's
    author), settings with the server's ids, layouts per screen size, parameters; widgets
    showing saved questions; now and then in a resource group."""
    ids = draw(st.lists(widget_id, max_size=3, unique=True))
    widgets = []
    for key in ids:
        made: dict[str, Any] = {
            "id": key,
            "title": draw(non_blank),
            "type": draw(st.sampled_from(("number", "pie", "table", "markdown"))),
            "description": draw(maybe(free_text)),
            "noResultMessage": draw(maybe(free_text)),
            "includeDeleted": draw(st.booleans()),
            "config": {
                "queries": [
                    {"name": query, "query": draw(j1ql_query)}
                    for query in draw(st.lists(identifier, max_size=2, unique=True))
                ],
                "settings": {**draw(widget_settings), "id": "server-id", "__typename": "S"},
                "postQueryFilters": draw(short_list),
                "disableQueryPolicyFilters": draw(st.booleans()),
            },
        }
        if questions and draw(st.booleans()):
            made["questionId"] = draw(st.sampled_from(questions))["id"]
        widgets.append(made)
    layouts: dict[str, Any] = {}
    for size in draw(st.lists(st.sampled_from(("xs", "sm", "md", "lg", "xl")), unique=True)):
        placed = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
        layouts[size] = [
            {
                "i": key,
                "x": draw(st.integers(0, 11)),
                "y": draw(st.integers(0, 20)),
                "w": draw(st.integers(1, 12)),
                "h": draw(st.integers(1, 8)),
                "static": draw(st.booleans()),
            }
            for key in placed
        ]
    parameters = [
        draw(board_parameter(parameter))
        for parameter in draw(st.lists(identifier, max_size=2, unique=True))
    ]
    result: dict[str, Any] = {
        "name": name,
        "category": draw(maybe(free_text)),
        "widgets": widgets,
        "layouts": layouts,
        "parameters": parameters,
    }
    if resource_groups and draw(st.booleans()):
        result["resourceGroup"] = draw(st.sampled_from(resource_groups))
    return result


def unique_names(max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(object_name, max_size=max_size, unique=True)


@st.composite
def accounts(draw: st.DrawFn, secrets: bool = False) -> dict[str, Any]:
    """Seed collections for one account (users and definitions come from BASE_SEED); with
    `secrets`, some parameters are secret (their first plan after export writes them)."""
    questions = [draw(question(key, index)) for index, key in enumerate(draw(unique_names(3)))]
    group_names = draw(
        unique_names(2).map(lambda ns: [n for n in ns if n not in ("Users", "Administrators")])
    )
    resource_groups = [draw(resource_group(name, group_names)) for name in draw(unique_names(2))]
    rules = [draw(rule(name, questions)) for name in draw(unique_names(3))]
    for data in rules:
        if resource_groups and draw(st.booleans()):
            data["resourceGroup"] = draw(st.sampled_from(resource_groups))["name"]
    boards = [
        draw(board(name, questions, [g["name"] for g in resource_groups]))
        for name in draw(unique_names(2))
    ]
    # boards export never writes: someone's personal board, one of JupiterOne's own
    boards += [
        {"name": draw(object_name), "type": "User", "userId": "u-1"},
        {"name": draw(object_name), "isJ1ManagedBoard": True, "starred": True},
    ]
    return {
        "questions": questions,
        "rules": rules,
        "dashboards": boards,
        "iamGroups": [draw(iam_group(name)) for name in group_names],
        "resourceGroups": resource_groups,
        "integrationInstances": [
            draw(integration_instance(name)) for name in draw(unique_names(3))
        ],
        "parameters": [
            draw(parameter(name, secrets))
            for name in draw(st.lists(parameter_name, max_size=3, unique=True))
        ],
    }
