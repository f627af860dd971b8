"""Hypothesis strategies: random manifests of every kind and random live accounts.

Names come from small pools shared by manifests and live objects, so that the generated
cases often collide: a live object named like a manifest but holding other fields is a
hand edit; one carrying the managed tag with no manifest must be deleted; one without the
tag and without a manifest is unmanaged and must never be touched.

Live accounts are expressed in the JupiterOne emulator's seed format (see
j1sync.providers.jupiterone.emulator.seed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from hypothesis import strategies as st

from j1sync.providers.jupiterone.models.common import PollingInterval, ResultsAre
from j1sync.providers.jupiterone.models.permissions import ABAC_PERMISSIONS

MANAGED_TAG = "j1sync"
USERS = ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com")
DEFINITIONS = (("aws", "AWS"), ("github", "GitHub"), ("jira", "Jira"))
INSTANCES = (
    ("aws-production", "aws"),
    ("aws-staging", "aws"),
    ("github-org", "github"),
    ("jira-cloud", "jira"),
)
POLLING_INTERVALS = get_args(PollingInterval)  # the manifest models' own enum
RESULTS_ARE = get_args(ResultsAre)
QUESTION_NAMES = ("q-alpha", "Public S3 buckets", "q_beta 2", "Fragen über Ümlaute", "q-gamma")
RULE_NAMES = ("r-alpha", "Root account login", "r beta", "r-gamma", "Regel δ")
GROUP_NAMES = ("g-alpha", "Security Engineers", "g-beta", "g-gamma", "Administrators")
QUERY_NAMES = ("query0", "good", "bad", "q-1", "all_hosts")
TAGS = ("security", "aws", "Compliance", "tag with space", "ünï", MANAGED_TAG)
LABEL_NAMES = ("team", "severity", "cost center", "env")
POLICY_KEYS = ("_class", "_type", "tag.env", "owner")
PARAMETER_NAMES = ("p_alpha", "longURL", "p_beta", "Token2")
RESOURCE_GROUP_NAMES = ("rg-alpha", "Cloud security", "rg beta")
RESOURCE_AREAS = ("rule", "dashboard", "integration")
# IAM groups every generated account holds (a permission may always name them)
BUILT_IN_GROUPS = ("Users", "Administrators")
DASHBOARD_NAMES = ("Cloud posture", "d-alpha", "Board β")
WIDGET_KEYS = ("w1", "hosts", "users-by-team")
WIDGET_TYPES = ("number", "pie", "table", "line")
SCREEN_SIZES = ("xs", "sm", "md", "lg", "xl")
# A secret Parameter's value comes from this variable (tests/e2e/conftest.py sets it).
SECRET_REFERENCE = "${env:E2E_PARAMETER_SECRET}"

# Free text: letters, digits, punctuation and the YAML-ambiguous spellings; never `$`,
# which would start an ${env:…} reference.
_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "Zs", "Sm"), exclude_characters="$"
)
_TRICKY = ("", "yes", "null", "0", "1.5", "a: b", "- x", "#hash", "  padded  ", "two\nlines")
text = st.one_of(st.text(_CHARS, max_size=12), st.sampled_from(_TRICKY))
nonblank = st.text(_CHARS, min_size=1, max_size=12).filter(lambda s: s.strip() != "")
queries_text = st.sampled_from(
    (
        "Find Host with active = true",
        "Find aws_s3_bucket with public = true",
        "Find User that IS Person\r\nreturn User.email",
        "FIND DataStore WITH encrypted != true AND classification = 'critical'",
        "find jira_project",
    )
)


def optional(draw: st.DrawFn, target: dict[str, Any], key: str, values: st.SearchStrategy) -> None:
    """Set `key` (or leave it out, so the default applies)."""
    if draw(st.booleans()):
        target[key] = draw(values)


def sometimes(values: st.SearchStrategy) -> st.SearchStrategy:
    """A value or None."""
    return st.one_of(st.none(), values)


@st.composite
def queries(draw: st.DrawFn, *, with_results: bool) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=3, unique=True))
    result = []
    for name in names:
        query: dict[str, Any] = {"name": name, "query": draw(queries_text)}
        optional(draw, query, "version", st.sampled_from(("v1", "v2")))
        optional(draw, query, "includeDeleted", st.booleans())
        if with_results:
            optional(draw, query, "resultsAre", st.sampled_from(RESULTS_ARE))
        result.append(query)
    return result


@st.composite
def compliance(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {"standard": draw(st.sampled_from(("CIS AWS", "SOC 2", "PCI DSS")))}
    optional(draw, item, "requirements", st.lists(st.sampled_from(("1.1", "2.1.5", "A.3"))))
    optional(draw, item, "controls", st.lists(st.sampled_from(("CC6.1", "CC7.2"))))
    return item


@st.composite
def question_spec(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"title": draw(nonblank), "queries": draw(queries(with_results=True))}
    optional(draw, spec, "description", sometimes(text))
    optional(draw, spec, "tags", st.lists(st.sampled_from(TAGS), max_size=3))
    optional(draw, spec, "showTrend", st.booleans())
    optional(draw, spec, "pollingInterval", st.sampled_from(POLLING_INTERVALS))
    optional(draw, spec, "compliance", st.lists(compliance(), max_size=2))
    return spec


@st.composite
def condition(draw: st.DrawFn, query_names: list[str]) -> list[Any]:
    terms = draw(
        st.lists(
            st.tuples(
                st.sampled_from(query_names),
                st.sampled_from((">", ">=", "=", "<")),
                st.integers(min_value=0, max_value=50),
            ),
            min_size=1,
            max_size=2,
        )
    )
    return [draw(st.sampled_from(("AND", "OR")))] + [
        [f"queries.{q}.total", op, n] for q, op, n in terms
    ]


@st.composite
def action(draw: st.DrawFn, query_names: list[str]) -> dict[str, Any]:
    kind = draw(st.sampled_from(("SET_PROPERTY", "CREATE_ALERT", "SEND_EMAIL", "WEBHOOK", "TAG")))
    if kind == "SET_PROPERTY":
        value = draw(st.one_of(st.sampled_from(("LOW", "HIGH", "CRITICAL")), st.integers(0, 9)))
        return {"type": kind, "targetProperty": "alertLevel", "targetValue": value}
    if kind == "SEND_EMAIL":
        recipients = draw(st.lists(st.sampled_from(USERS), min_size=1, max_size=2, unique=True))
        return {"type": kind, "recipients": recipients, "body": draw(text)}
    if kind == "WEBHOOK":
        return {
            "type": kind,
            "endpoint": "https://hooks.example.com/j1",
            "method": draw(st.sampled_from(("POST", "PUT"))),
            "headers": {"X-Team": draw(text)},
            "body": {"count": f"{{{{queries.{draw(st.sampled_from(query_names))}.total}}}}"},
        }
    if kind == "TAG":
        return {
            "type": "TAG_ENTITIES",
            "entities": f"{{{{queries.{draw(st.sampled_from(query_names))}.data}}}}",
            "tags": [{"name": draw(st.sampled_from(LABEL_NAMES)), "value": draw(text)}],
        }
    return {"type": kind}


@st.composite
def operation(draw: st.DrawFn, query_names: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if draw(st.integers(0, 5)) > 0:  # mostly with a condition
        when: dict[str, Any] = {"condition": draw(condition(query_names))}
        optional(draw, when, "type", st.just("FILTER"))
        optional(draw, when, "version", st.just(1))
        result["when"] = when
    optional(draw, result, "actions", st.lists(action(query_names), max_size=3))
    return result


@st.composite
def rule_spec(
    draw: st.DrawFn, questions: dict[str, list[str]], resource_groups: list[str]
) -> dict[str, Any]:
    """`questions` maps Question manifest names to their query names (for questionRef);
    `resource_groups` are the ResourceGroup manifests a rule may join."""
    spec: dict[str, Any] = {}
    if resource_groups:
        optional(draw, spec, "resourceGroup", st.sampled_from(resource_groups))
    if questions and draw(st.booleans()):
        ref = draw(st.sampled_from(sorted(questions)))
        spec["questionRef"] = ref
        query_names = questions[ref]
    else:
        spec["question"] = {"queries": draw(queries(with_results=False))}
        query_names = [q["name"] for q in spec["question"]["queries"]]
    optional(draw, spec, "description", sometimes(text))
    optional(draw, spec, "pollingInterval", st.sampled_from(POLLING_INTERVALS))
    optional(draw, spec, "operations", st.lists(operation(query_names), max_size=2))
    outputs = st.sampled_from([f"queries.{q}.total" for q in query_names] + ["alertLevel"])
    optional(draw, spec, "outputs", st.lists(outputs, max_size=3, unique=True))
    optional(draw, spec, "tags", st.lists(st.sampled_from(TAGS), max_size=3))
    optional(draw, spec, "labels", st.dictionaries(st.sampled_from(LABEL_NAMES), text, max_size=2))
    optional(draw, spec, "templates", sometimes(st.dictionaries(st.just("summary"), text)))
    for flag in ("notifyOnFailure", "triggerActionsOnNewEntitiesOnly", "ignorePreviousResults"):
        optional(draw, spec, flag, st.booleans())
    optional(draw, spec, "remediationSteps", sometimes(text))
    return spec


policy_scalar = st.one_of(
    st.text(_CHARS, min_size=1, max_size=8), st.integers(-5, 5), st.booleans()
)
policy_statement = st.dictionaries(
    st.sampled_from(POLICY_KEYS),
    st.one_of(policy_scalar, st.lists(policy_scalar, min_size=1, max_size=3)),
    min_size=1,
    max_size=2,
)


def _cased(email: str, upper: bool) -> str:
    return email.capitalize() if upper else email


@st.composite
def members(draw: st.DrawFn) -> list[str]:
    chosen = draw(st.lists(st.sampled_from(USERS), max_size=4, unique=True))
    return [_cased(email, draw(st.booleans())) for email in chosen]


@st.composite
def group_spec(draw: st.DrawFn) -> dict[str, Any]:
    # an empty spec is a manifest error: a group always says something about itself
    spec: dict[str, Any] = {"description": draw(sometimes(text))}
    optional(
        draw,
        spec,
        "abacPermissions",
        st.lists(st.sampled_from(ABAC_PERMISSIONS), max_size=4, unique=True),
    )
    optional(draw, spec, "queryPolicy", st.lists(policy_statement, max_size=2))
    optional(draw, spec, "members", members())
    return spec


@st.composite
def schedule(draw: st.DrawFn) -> dict[str, Any]:
    """pollingInterval with an hour/dayOfWeek only where the API allows them."""
    interval = draw(st.sampled_from(POLLING_INTERVALS))
    result: dict[str, Any] = {"pollingInterval": interval}
    if interval in ("ONE_DAY", "ONE_WEEK"):
        optional(draw, result, "hour", st.integers(0, 23))
    if interval == "ONE_WEEK":
        optional(draw, result, "dayOfWeek", st.integers(0, 6))
    return result


@st.composite
def permissions(draw: st.DrawFn, groups: list[str]) -> list[dict[str, Any]]:
    """Resource permissions for some of `groups` (IAM group names), one per group and area."""
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(groups), st.sampled_from(RESOURCE_AREAS)),
            max_size=3,
            unique=True,
        )
    )
    result = []
    for group, area in keys:
        permission: dict[str, Any] = {"group": group, "resourceArea": area}
        for flag in ("canCreate", "canRead", "canUpdate", "canDelete"):
            optional(draw, permission, flag, st.booleans())
        result.append(permission)
    return result


widget_settings = st.dictionaries(
    st.sampled_from(("number", "pie", "colors")),
    st.one_of(
        st.dictionaries(st.sampled_from(("success", "warning")), st.integers(0, 9), max_size=2),
        st.lists(st.sampled_from(("red", "green")), max_size=2),
    ),
    max_size=2,
)


@st.composite
def widget(draw: st.DrawFn, questions: list[str]) -> dict[str, Any]:
    """A widget as a manifest writes it (`question`: a Question manifest's name)."""
    names = draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=2, unique=True))
    result: dict[str, Any] = {
        "title": draw(nonblank),
        "type": draw(st.sampled_from(WIDGET_TYPES)),
        "queries": [{"name": name, "query": draw(queries_text)} for name in names],
    }
    optional(draw, result, "description", sometimes(text))
    if questions:
        optional(draw, result, "question", st.sampled_from(questions))
    optional(draw, result, "settings", widget_settings)
    optional(draw, result, "noResultMessage", sometimes(text))
    optional(draw, result, "includeDeleted", st.booleans())
    optional(draw, result, "postQueryFilters", st.lists(st.sampled_from(("a", "b")), max_size=2))
    return result


@st.composite
def layouts(draw: st.DrawFn, keys: list[str], name: str = "widget") -> dict[str, Any]:
    """Places for some widgets at some screen sizes (`name`: the field naming the widget,
    `widget` in manifests, `i` in the API)."""
    result: dict[str, Any] = {}
    for size in draw(st.lists(st.sampled_from(SCREEN_SIZES), max_size=2, unique=True)):
        placed = draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True))
        result[size] = [
            {
                name: key,
                "x": draw(st.integers(0, 6)),
                "y": draw(st.integers(0, 6)),
                "w": draw(st.integers(1, 4)),
                "h": draw(st.integers(1, 4)),
                "static": draw(st.booleans()),
            }
            for key in placed
        ]
    return result


BOARD_PARAMETER_VALUES = {
    "string": ("a", "b", "prod"),
    "number": ("1", "2.5", "-3"),
    "boolean": ("true", "false"),
}


@st.composite
def board_parameter(draw: st.DrawFn, name: str) -> dict[str, Any]:
    result: dict[str, Any] = {"name": name, "label": draw(nonblank)}
    optional(draw, result, "type", st.sampled_from(("QUERY_VARIABLE", "SCOPE_FILTER")))
    optional(draw, result, "valueType", st.sampled_from(("string", "number", "boolean")))
    # values that fit the value type (a board parameter's default and options must)
    values = BOARD_PARAMETER_VALUES[result.get("valueType", "string")]
    optional(draw, result, "options", st.lists(st.sampled_from(values), max_size=3))
    optional(draw, result, "default", st.sampled_from(values))
    optional(draw, result, "disableCustomInput", st.booleans())
    optional(draw, result, "requireValue", st.booleans())
    return result


@st.composite
def board_parameters(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(("env", "region", "team")), max_size=2, unique=True))
    return [draw(board_parameter(name)) for name in names]


@st.composite
def dashboard_spec(
    draw: st.DrawFn, questions: list[str], resource_groups: list[str]
) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    optional(draw, spec, "category", sometimes(text))
    if resource_groups:
        optional(draw, spec, "resourceGroup", st.sampled_from(resource_groups))
    keys = draw(st.lists(st.sampled_from(WIDGET_KEYS), max_size=2, unique=True))
    # always written: an empty spec is a manifest error (a board says what it shows)
    spec["widgets"] = {key: draw(widget(questions)) for key in keys}
    if keys:
        optional(draw, spec, "layouts", layouts(keys))
    optional(draw, spec, "parameters", board_parameters())
    return spec


@st.composite
def live_board(draw: st.DrawFn, name: str, resource_groups: list[str]) -> dict[str, Any]:
    """An account board as the API holds it (widget settings and ids as the app writes
    them), now and then in a resource group."""
    keys = draw(st.lists(st.sampled_from(WIDGET_KEYS), max_size=2, unique=True))
    widgets = []
    for key in keys:
        made = draw(widget([]))
        settings = {**made.get("settings", {}), "id": "srv-1"}  # an id the server adds
        widgets.append(
            {
                "id": key,
                "title": made["title"],
                "type": made["type"],
                "config": {"queries": made["queries"], "settings": settings},
            }
        )
    board: dict[str, Any] = {
        "name": name,
        "category": draw(sometimes(text)),
        "widgets": widgets,
        "layouts": draw(layouts(keys, name="i")) if keys else {},
        "parameters": draw(board_parameters()),
    }
    if resource_groups and draw(st.booleans()):
        board["resourceGroup"] = draw(st.sampled_from(resource_groups))
    return board


parameter_scalar = st.one_of(
    text,
    st.integers(-1000, 1000),
    st.sampled_from((0.5, -2.25, 1e3 + 0.5)),
    st.booleans(),
)
parameter_value = st.one_of(parameter_scalar, st.lists(parameter_scalar, max_size=3))


@st.composite
def parameter_spec(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 3)) == 0:
        return {"value": SECRET_REFERENCE, "secret": True}
    spec: dict[str, Any] = {"value": draw(parameter_value)}
    optional(draw, spec, "secret", st.just(False))
    return spec


@st.composite
def live_parameter(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A parameter as the store holds it; now and then a secret (its value unreadable)."""
    secret = draw(st.integers(0, 3)) == 0
    value = draw(st.text(_CHARS, min_size=1, max_size=8)) if secret else draw(parameter_value)
    return {"name": name, "value": value, "secret": secret}


@dataclass
class Scenario:
    """Manifests to apply (kind, name, spec) and the account they are applied to."""

    manifests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    seed: dict[str, Any] = field(default_factory=dict)

    def names(self, kind: str) -> set[str]:
        return {name for k, name, _ in self.manifests if k == kind}

    def scheduled_instances(self) -> set[str]:
        return {
            spec.get("instance") or name
            for k, name, spec in self.manifests
            if k == "IntegrationSchedule"
        }


@st.composite
def manifests(draw: st.DrawFn) -> list[tuple[str, str, dict[str, Any]]]:
    result: list[tuple[str, str, dict[str, Any]]] = []
    question_names = draw(st.lists(st.sampled_from(QUESTION_NAMES), max_size=3, unique=True))
    questions: dict[str, list[str]] = {}
    for name in question_names:
        spec = draw(question_spec())
        questions[name] = [q["name"] for q in spec["queries"]]
        result.append(("Question", name, spec))
    iam_groups = draw(st.lists(st.sampled_from(GROUP_NAMES), max_size=2, unique=True))
    for name in iam_groups:
        result.append(("IamGroup", name, draw(group_spec())))
    subjects = sorted({*BUILT_IN_GROUPS, *iam_groups})
    resource_groups = draw(st.lists(st.sampled_from(RESOURCE_GROUP_NAMES), max_size=2, unique=True))
    for name in resource_groups:
        result.append(("ResourceGroup", name, {"permissions": draw(permissions(subjects))}))
    for name in draw(st.lists(st.sampled_from(RULE_NAMES), max_size=3, unique=True)):
        result.append(("AlertRule", name, draw(rule_spec(questions, resource_groups))))
    for name in draw(st.lists(st.sampled_from(DASHBOARD_NAMES), max_size=2, unique=True)):
        spec = draw(dashboard_spec(question_names, resource_groups))
        result.append(("Dashboard", name, spec))
    for instance, kind in draw(st.lists(st.sampled_from(INSTANCES), max_size=3, unique=True)):
        spec = draw(schedule())
        name = instance
        if draw(st.booleans()):
            name, spec["instance"] = f"schedule {instance}", instance
        optional(draw, spec, "definition", st.just(kind))
        result.append(("IntegrationSchedule", name, spec))
    for name in draw(st.lists(st.sampled_from(PARAMETER_NAMES), max_size=2, unique=True)):
        result.append(("Parameter", name, draw(parameter_spec())))
    return result


def _tags(draw: st.DrawFn, managed: bool) -> list[str]:
    tags = [t for t in draw(st.lists(st.sampled_from(TAGS), max_size=2)) if t != MANAGED_TAG]
    return [*tags, MANAGED_TAG] if managed else tags


@st.composite
def live_question(draw: st.DrawFn, key: str) -> dict[str, Any]:
    """A question as the API holds it; now and then a hand-made one without a name (its
    key is then its title)."""
    nameless = draw(st.integers(0, 4)) == 0
    question = {
        "name": "" if nameless else key,
        "title": key if nameless else draw(nonblank),
        "description": draw(sometimes(text)),
        "tags": _tags(draw, managed=draw(st.booleans())),
        "showTrend": draw(st.booleans()),
        "pollingInterval": draw(st.sampled_from(POLLING_INTERVALS)),
        "queries": draw(queries(with_results=True)),
        "compliance": draw(sometimes(st.lists(compliance(), max_size=1))),
    }
    return question


@st.composite
def live_rule(
    draw: st.DrawFn, name: str, questions: list[dict[str, Any]], resource_groups: list[str]
) -> dict[str, Any]:
    """A rule as the API holds it, now and then in one of `resource_groups`. A rule
    without the managed tag references only questions without it: j1sync could not
    delete a question such a rule still uses."""
    managed = draw(st.booleans())
    referable = [q for q in questions if q["name"] and (managed or MANAGED_TAG not in q["tags"])]
    rule: dict[str, Any] = {
        "name": name,
        "description": draw(sometimes(text)),
        "pollingInterval": draw(st.sampled_from(POLLING_INTERVALS)),
        "tags": _tags(draw, managed),
        "outputs": draw(st.lists(st.just("alertLevel"), max_size=1)),
        "labels": [{"labelName": "team", "labelValue": draw(text)}],
        "notifyOnFailure": draw(st.booleans()),
        "remediationSteps": draw(sometimes(text)),
    }
    if referable and draw(st.booleans()):
        question = draw(st.sampled_from(referable))
        rule["questionName"] = question["name"]
        query_names = [q["name"] for q in question["queries"]]
    else:
        rule["question"] = {"queries": draw(queries(with_results=False))}
        query_names = [q["name"] for q in rule["question"]["queries"]]
    rule["operations"] = draw(st.lists(operation(query_names), max_size=1))
    if resource_groups and draw(st.booleans()):
        rule["resourceGroup"] = draw(st.sampled_from(resource_groups))
    return rule


@st.composite
def live_group(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": draw(sometimes(text)),
        "abacPermissions": draw(st.lists(st.sampled_from(ABAC_PERMISSIONS), max_size=3)),
        "queryPolicy": draw(st.lists(policy_statement, max_size=1)),
        "members": [m.lower() for m in draw(members())],
    }


@st.composite
def live_account(draw: st.DrawFn) -> dict[str, Any]:
    """Seed data: users, integrations with random schedules, and random questions, rules,
    IAM groups, resource groups with permissions, parameters and dashboards (managed,
    unmanaged, and hand-edited twins of manifests; personal and JupiterOne boards)."""
    question_keys = draw(st.lists(st.sampled_from(QUESTION_NAMES), max_size=3, unique=True))
    questions = [draw(live_question(key)) for key in question_keys]
    rule_names = draw(st.lists(st.sampled_from(RULE_NAMES), max_size=3, unique=True))
    group_names = draw(
        st.lists(
            st.sampled_from([g for g in GROUP_NAMES if g != "Administrators"]),
            max_size=2,
            unique=True,
        )
    )
    subjects = sorted({*BUILT_IN_GROUPS, *group_names})
    resource_groups = draw(st.lists(st.sampled_from(RESOURCE_GROUP_NAMES), max_size=2, unique=True))
    return {
        "users": [{"email": email, "firstName": email.split("@")[0]} for email in USERS],
        "integrationDefinitions": [{"type": t, "title": title} for t, title in DEFINITIONS],
        "integrationInstances": [
            {"name": name, "definition": kind, **_cron(draw(schedule()))}
            for name, kind in INSTANCES
        ],
        "questions": questions,
        "resourceGroups": [
            {"name": name, "permissions": draw(permissions(subjects))} for name in resource_groups
        ],
        "rules": [draw(live_rule(name, questions, resource_groups)) for name in rule_names],
        "iamGroups": [
            {"name": "Users", "abacPermissions": ["fullReadAccess"], "members": list(USERS)},
            draw(live_group("Administrators")),
            *[draw(live_group(name)) for name in group_names],
        ],
        "parameters": [
            draw(live_parameter(name))
            for name in draw(st.lists(st.sampled_from(PARAMETER_NAMES), max_size=2, unique=True))
        ],
        "dashboards": [
            *[
                draw(live_board(name, resource_groups))
                for name in draw(
                    st.lists(st.sampled_from(DASHBOARD_NAMES), max_size=2, unique=True)
                )
            ],
            # boards j1sync never touches, named like manifests: someone's personal board
            # and one of JupiterOne's own
            {"name": draw(st.sampled_from(DASHBOARD_NAMES)), "type": "User", "userId": "u-1"},
            {"name": draw(st.sampled_from(DASHBOARD_NAMES)), "isJ1ManagedBoard": True},
        ],
    }


def _cron(spec: dict[str, Any]) -> dict[str, Any]:
    """A schedule in the seed (API) format."""
    cron = {k: spec[k] for k in ("hour", "dayOfWeek") if k in spec}
    result: dict[str, Any] = {"pollingInterval": spec["pollingInterval"]}
    if cron:
        result["pollingIntervalCronExpression"] = cron
    return result


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    scenario = Scenario(manifests=draw(manifests()), seed=draw(live_account()))
    # A nameless live question is known by its title and the API cannot name it: a
    # manifest adopting one keeps that title (else j1sync refuses; tested on its own).
    nameless = {q["title"] for q in scenario.seed["questions"] if not q["name"]}
    for kind, name, spec in scenario.manifests:
        if kind == "Question" and name in nameless:
            spec["title"] = name
    return scenario
