"""AlertRule: question rule instances (rules area), with an inline question or a reference
to a saved question. Natural key: the rule's `name`."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver, address_of
from j1sync.engine.paths import PathPart, format_path, texts_holding
from j1sync.errors import ApiError, NotFound
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, Manifest, ProjectConfig
from j1sync.manifest.model_base import model_defaults
from j1sync.manifest.names import env_text_problem
from j1sync.providers.jupiterone.client import PAGE_LIMIT, JupiterOneClient, PageHandler
from j1sync.providers.jupiterone.integration_schedules import KIND as INSTANCE_KIND
from j1sync.providers.jupiterone.list_gaps import fill_list_gaps
from j1sync.providers.jupiterone.models.alert_rule import (
    INSTANCE_ID,
    INSTANCE_NAME,
    AlertRuleSpec,
    RuleCondition,
)
from j1sync.providers.jupiterone.models.common import DEFAULT_POLLING_INTERVAL
from j1sync.providers.jupiterone.models.parameter import KIND as PARAMETER_KIND
from j1sync.providers.jupiterone.normalize import (
    query_text,
    sorted_set,
    tags_with,
    text,
)
from j1sync.providers.jupiterone.parameter_uses import parameter_addresses, waiting_for_parameters
from j1sync.providers.jupiterone.questions import KIND as QUESTION_KIND
from j1sync.providers.jupiterone.resource_groups import KIND as RESOURCE_GROUP_KIND
from j1sync.providers.jupiterone.rule_instances import (
    LiveInstances,
    instance_addresses,
    named_operations,
    names_no_instance,
    resolve_rule_instances,
    with_instance_ids,
)
from j1sync.providers.jupiterone.values import DEFAULT_QUERY_VERSION
from j1sync.providers.node_json import js_numbers

KIND = "AlertRule"
SPEC_VERSION = 1

_RULE_FIELDS = """
  id name description version pollingInterval
  question { queries { name query version includeDeleted } }
  questionId questionName
  operations { when actions }
  outputs tags templates
  labels { labelName labelValue }
  notifyOnFailure triggerActionsOnNewEntitiesOnly ignorePreviousResults remediationSteps
  resourceGroupId
"""

LIST_RULES = (
    """
query J1SyncListRuleInstances($limit: Int, $cursor: String) {
  listRuleInstances(limit: $limit, cursor: $cursor) {
    questionInstances {"""
    + _RULE_FIELDS
    + """}
    pageInfo { endCursor hasNextPage }
  }
}
"""
)

# What a list answer may leave null that the diff compares: such a rule is read on its own.
LIST_GAP_FIELDS = ("labels", "ignorePreviousResults")
GET_RULE = (
    """
query J1SyncRule($id: ID!) {
  questionRuleInstance(id: $id) {"""
    + _RULE_FIELDS
    + """}
}
"""
)

RULE_VERSION = """
query J1SyncRuleVersion($id: ID!) {
  questionRuleInstance(id: $id) { id version }
}
"""

_RESULT = "{ id version questionId }"
CREATE_INLINE = f"""
mutation J1SyncCreateInlineRule($instance: CreateInlineQuestionRuleInstanceInput!) {{
  createInlineQuestionRuleInstance(instance: $instance) {_RESULT}
}}
"""
CREATE_REFERENCED = f"""
mutation J1SyncCreateReferencedRule($instance: CreateReferencedQuestionRuleInstanceInput!) {{
  createReferencedQuestionRuleInstance(instance: $instance) {_RESULT}
}}
"""
UPDATE_INLINE = f"""
mutation J1SyncUpdateInlineRule($instance: UpdateInlineQuestionRuleInstanceInput!) {{
  updateInlineQuestionRuleInstance(instance: $instance) {_RESULT}
}}
"""
UPDATE_REFERENCED = f"""
mutation J1SyncUpdateReferencedRule($instance: UpdateReferencedQuestionRuleInstanceInput!) {{
  updateReferencedQuestionRuleInstance(instance: $instance) {_RESULT}
}}
"""
DELETE_RULE = """
mutation J1SyncDeleteRule($id: ID!) {
  deleteRuleInstance(id: $id) { id }
}
"""


def normalize_inline_question(question: dict[str, Any] | None) -> dict[str, Any] | None:
    if not question:
        return None
    return {
        "queries": [
            {
                "name": q.get("name"),
                "query": query_text(q.get("query")),
                "version": q.get("version") or DEFAULT_QUERY_VERSION,
                "includeDeleted": bool(q.get("includeDeleted")),
            }
            for q in question.get("queries") or []
        ]
    }


# A manifest's `when` gets RuleCondition's defaults; a live `when` made in the web app or
# by another client may omit them: fill both sides alike.
WHEN_DEFAULTS: dict[str, Any] = model_defaults(RuleCondition)


def normalize_when(when: Any) -> Any:
    return {**WHEN_DEFAULTS, **when} if isinstance(when, dict) else when


def normalize_action(action: Any) -> Any:
    """The server gives every action a fresh `id` on each update: compare without it. A
    manifest's action without `integrationInstance` holds it as null: drop that too. One
    that is no map (the API takes any JSON; set by hand) is compared as it is."""
    if not isinstance(action, dict):
        return action
    return {k: v for k, v in action.items() if k != "id" and not (k == INSTANCE_NAME and v is None)}


def normalize_operation(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        "when": normalize_when(operation.get("when")),
        "actions": [normalize_action(a) for a in operation.get("actions") or []],
    }


# Rule action fields that hold credentials, by action type (JupiterOne's rule actions):
# a webhook's endpoint, headers and body carry tokens and signed URLs; chat webhooks are
# secret URLs. Whatever the type, a key named like a credential holds one (Jira,
# ServiceNow, PagerDuty and email tokens, passwords, API keys), at any depth of an action
# and in the rule's `templates`, which actions draw on.
ACTION_CREDENTIAL_FIELDS: dict[str, frozenset[str]] = {
    "WEBHOOK": frozenset({"endpoint", "url", "headers", "body"}),
    "SEND_SLACK_MESSAGE": frozenset({"webhookUrl", "url"}),
    "SEND_MICROSOFT_TEAMS_MESSAGE": frozenset({"webhookUrl", "url"}),
}
CREDENTIAL_KEY = re.compile(
    r"token|secret|passw|apikey|accesskey|privatekey|clientkey|auth(?!or)|credential"
    r"|webhook|url$|uri$|endpoint|headers|cookie|signature|routingkey|integrationkey"
    r"|servicekey|sharedkey|smtp",
    re.IGNORECASE,
)


def credential_key(key: Any) -> bool:
    """`apiToken`, `X-Api-Key`, `webhook_url`, `Authorization`, ... (not `author`)."""
    return isinstance(key, str) and _credential_name(key)


@functools.lru_cache(maxsize=4096)
def _credential_name(key: str) -> bool:
    """Rules repeat a few dozen keys: each is looked at once."""
    return bool(CREDENTIAL_KEY.search(re.sub(r"[-_ ]", "", key)))


def _named_credentials(node: Any, parts: list[PathPart], found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if credential_key(key):
                found.append(format_path([*parts, key]))
            elif isinstance(value, (dict, list)):
                _named_credentials(value, [*parts, key], found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, (dict, list)):
                _named_credentials(value, [*parts, index], found)


def rule_credential_paths(state: Mapping[str, Any]) -> list[str]:
    """The paths of a normalized rule state that hold credentials."""
    found: list[str] = []
    for op_index, operation in enumerate(state.get("operations") or []):
        actions = operation.get("actions") if isinstance(operation, dict) else None
        for index, action in enumerate(actions or []):
            if not isinstance(action, dict):
                continue
            parts: list[PathPart] = ["operations", op_index, "actions", index]
            fields = ACTION_CREDENTIAL_FIELDS.get(str(action.get("type")), frozenset())
            if fields:
                found.extend(format_path([*parts, key]) for key in action if key in fields)
            for key, value in action.items():
                if key in fields:
                    continue
                if credential_key(key):
                    found.append(format_path([*parts, key]))
                elif isinstance(value, (dict, list)):
                    _named_credentials(value, [*parts, key], found)
    templates = state.get("templates")
    if templates:
        _named_credentials(templates, ["templates"], found)
    return found


def labels_map(labels: Any) -> dict[str, str]:
    """API labels [{labelName, labelValue}] or a manifest map -> a map sorted by name."""
    pairs: list[tuple[Any, Any]]
    if isinstance(labels, dict):
        pairs = list(labels.items())
    else:
        pairs = [(item["labelName"], item["labelValue"]) for item in labels or []]
    return {str(k): str(v) for k, v in sorted(pairs)}


def normalize_rule(
    data: dict[str, Any], tags: list[str], question_ref: str | None
) -> dict[str, Any]:
    """The comparable shape of a rule, from a manifest spec or an API object."""
    return {
        "description": text(data.get("description")),
        "pollingInterval": data.get("pollingInterval") or DEFAULT_POLLING_INTERVAL,
        "question": None if question_ref else normalize_inline_question(data.get("question")),
        "questionRef": question_ref,
        "operations": [normalize_operation(op) for op in data.get("operations") or []],
        "outputs": list(data.get("outputs") or []),
        "tags": tags,
        "labels": labels_map(data.get("labels")),
        "templates": data.get("templates") or {},
        "notifyOnFailure": bool(data.get("notifyOnFailure")),
        "triggerActionsOnNewEntitiesOnly": bool(data.get("triggerActionsOnNewEntitiesOnly")),
        "ignorePreviousResults": bool(data.get("ignorePreviousResults")),
        "remediationSteps": text(data.get("remediationSteps")),
        "resourceGroup": data.get("resourceGroup"),
    }


def operation_input(operation: Mapping[str, Any]) -> dict[str, Any]:
    """RuleOperationInput. An operation without a condition omits `when`: the live API
    refuses `when: null` (JupiterOne's Terraform provider marks it omitempty for that)."""
    if operation.get("when") is None:
        return {"actions": operation["actions"]}
    return {"when": operation["when"], "actions": operation["actions"]}


def rule_input(name: str, state: dict[str, Any], question_id: str | None) -> dict[str, Any]:
    """The fields every create/update input shares, plus the question or its id. No
    optional field is sent as null except `templates` (the Terraform provider's notes:
    `templates: null` is accepted live)."""
    fields: dict[str, Any] = {
        "name": name,
        "description": state["description"],
        "specVersion": SPEC_VERSION,
        "pollingInterval": state["pollingInterval"],
        "operations": [operation_input(op) for op in state["operations"]],
        "outputs": state["outputs"],
        "tags": state["tags"],
        "labels": [{"labelName": k, "labelValue": v} for k, v in state["labels"].items()],
        "templates": state["templates"] or None,
        "notifyOnFailure": state["notifyOnFailure"],
        "triggerActionsOnNewEntitiesOnly": state["triggerActionsOnNewEntitiesOnly"],
        "ignorePreviousResults": state["ignorePreviousResults"],
        "remediationSteps": state["remediationSteps"],
    }
    if "resourceGroupId" in state:
        fields["resourceGroupId"] = state["resourceGroupId"]
    if question_id is not None:
        fields["questionId"] = question_id
    else:
        fields["question"] = state["question"]
    return fields


def resource_group_reference(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """A live rule in a resource group refers to it (its delete waits for the rule)."""
    name = raw.get("resourceGroup")
    return (address_of(RESOURCE_GROUP_KIND, name),) if name else ()


def _names_an_instance_id(state: Mapping[str, Any]) -> bool:
    return any(
        isinstance(action, dict) and action.get(INSTANCE_ID)
        for operation in state.get("operations") or []
        for action in operation.get("actions") or []
    )


# Resource group id -> name, asked only when some rule is in a group.
GroupNames = Callable[[], Mapping[str, str]]


def name_resource_groups(raws: Sequence[dict[str, Any]], group_names: GroupNames) -> None:
    """Rules hold their resource group's id; manifests name it (`resourceGroup`)."""
    grouped = [raw for raw in raws if raw.get("resourceGroupId")]
    if not grouped:
        return
    names = group_names()
    for raw in grouped:
        group_id = raw["resourceGroupId"]
        raw["resourceGroup"] = names.get(group_id, f"(unknown resource group {group_id})")


def with_resource_group_id(
    desired: DesiredObject, resolver: Resolver, live: LiveObject | None = None
) -> DesiredObject:
    """The desired rule with `resourceGroupId` for the input: the named group's id; null
    only to take a rule out of the group it is in (never sent otherwise)."""
    name = desired.state.get("resourceGroup")
    if name is None and not (live is not None and live.state.get("resourceGroup")):
        return desired
    group_id = resolver.id_of(address_of(RESOURCE_GROUP_KIND, name)) if name else None
    return replace(desired, state={**desired.state, "resourceGroupId": group_id})


def question_ref(raw: dict[str, Any], question_names: Mapping[str, str]) -> str | None:
    """A live rule's questionRef: the key of the question its questionId names
    (`question_names`: live question id -> key), else the name the API gave, else the id;
    None for a rule with a question of its own."""
    question_id = raw.get("questionId")
    if not question_id:
        return None
    return question_names.get(question_id) or raw.get("questionName") or question_id


class AlertRules:
    kind = KIND
    prune: PrunePolicy = "tagged"
    # resolve_desired reads the integration instances and parameters only (engine.contract)
    resolves_against = (INSTANCE_KIND, PARAMETER_KIND)

    def __init__(
        self,
        client: JupiterOneClient,
        managed_tag: str = DEFAULT_MANAGED_TAG,
        group_names: GroupNames = dict,
        instance_keys: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        """`group_names`: the account's resource groups, id -> name; `instance_keys`: its
        integration instances, id -> key (how find() names what rules refer to)."""
        self._client = client
        self.managed_tag = managed_tag
        self._group_names = group_names
        self._instance_keys = instance_keys

    def credential_paths(self, state: Mapping[str, Any]) -> list[str]:
        return rule_credential_paths(state)

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = js_numbers(manifest.spec_data())  # as the account will answer it
        ref = spec.get("questionRef")
        state = normalize_rule(spec, tags_with(spec.get("tags"), project.managed_tag), ref)
        question = (address_of(QUESTION_KIND, ref),) if ref else ()
        depends_on = question + instance_addresses(state)
        depends_on_all = (*depends_on, *resource_group_reference(spec))
        return DesiredObject(KIND, manifest.name, state, depends_on_all, manifest.source)

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Actions that name an integration instance: the name must match exactly one of
        the live instances (rule_instances.py). A rule waits for the parameters it names
        that the account does not hold yet (parameter_uses.py)."""
        resolved: list[DesiredObject] = []
        problems: list[str] = []
        instances = LiveInstances.of(live)  # once, not once per rule
        for want in desired:
            rule, found = resolve_rule_instances(want, instances)
            resolved.append(rule)
            problems += found
        return waiting_for_parameters(resolved, live, rule_fields=True), problems

    def live_object(self, raw: dict[str, Any], question_names: dict[str, str]) -> LiveObject:
        """`question_names` maps live question ids to their natural keys (for questionRef)."""
        tags = sorted_set(raw.get("tags"))
        ref = question_ref(raw, question_names)
        state = normalize_rule(raw, tags, ref)
        # `${ param.X }`, `{{param.X}}` and `${env:...}` all hold a brace, and most rules
        # none: one walk of the state for them all (every rule of an account is read)
        braced = bool(texts_holding(state, "{"))
        return LiveObject(
            kind=KIND,
            name=str(raw["name"]),
            id=raw["id"],
            state=state,
            managed=self.managed_tag in tags,
            references=((address_of(QUESTION_KIND, ref),) if ref else ())
            + resource_group_reference(raw)
            + (parameter_addresses(state, rule_fields=True) if braced else ()),
            raw=raw,
            # text holding `${env:...}` outside a credential (export writes those as
            # `${env:NAME}`): export leaves the rule out, the plan never deletes it
            undeclarable=env_text_problem(
                AlertRuleSpec, state, lambda: rule_credential_paths(state)
            )
            if braced
            else None,
        )

    @staticmethod
    def with_instance_names(rule: LiveObject, instance_keys: Mapping[str, str]) -> LiveObject:
        """The rule with each action's known integrationInstanceId written as
        `integrationInstance: <key>` (`instance_keys`: instance id -> key)."""
        if names_no_instance(rule.state.get("operations") or []):
            return rule  # most rules: nothing to name, no copy
        operations = named_operations(rule.state.get("operations") or [], instance_keys)
        return replace(rule, state={**rule.state, "operations": operations})

    def read_raw(
        self, each_page: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> list[dict[str, Any]]:
        """Every rule as the API gives it, those a list answer left short read on their
        own. `each_page`, when given, has each page's rules as they come, in order, on a
        thread of its own while the next page is read (client.collect): e.g. to make live
        objects of them before the last page."""
        if each_page is None:
            raws = self._list(None)
            return fill_list_gaps(KIND, raws, LIST_GAP_FIELDS, self._read_one)

        def page(raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
            filled = fill_list_gaps(KIND, raws, LIST_GAP_FIELDS, self._read_one)
            each_page(filled)
            return filled

        return self._list(page)

    def _list(self, each_page: PageHandler | None) -> list[dict[str, Any]]:
        return self._client.collect(
            "rules",
            LIST_RULES,
            {"limit": PAGE_LIMIT},
            ("listRuleInstances",),
            "questionInstances",
            each_page,
        )

    def _read_one(self, rule_id: str) -> dict[str, Any] | None:
        """The rule on its own, or None when it was deleted since the list was read."""
        try:
            data = self._client.execute("rules", GET_RULE, {"id": rule_id})
        except NotFound:
            return None
        rule = data.get("questionRuleInstance")
        return rule if isinstance(rule, dict) else None

    def read_all(self, question_names: dict[str, str] | None = None) -> list[LiveObject]:
        raws = self.read_raw()
        name_resource_groups(raws, self._group_names)
        return [self.live_object(raw, question_names or {}) for raw in raws]

    def find(self, name: str) -> list[LiveObject]:
        """As the plan reads them (resource groups and integration instances by name):
        after an ambiguous write the executor compares what it finds with the desired
        state."""
        raws = [raw for raw in self.read_raw() if raw.get("name") == name]
        name_resource_groups(raws, self._group_names)
        found = [self.live_object(raw, {}) for raw in raws]
        if any(_names_an_instance_id(obj.state) for obj in found):
            keys = self._instance_keys()
            found = [self.with_instance_names(obj, keys) for obj in found]
        return found

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        question_id = self._question_id(desired, resolver)
        desired = with_resource_group_id(desired, resolver)
        state = with_instance_ids(desired.state, resolver)
        instance = rule_input(desired.name, state, question_id)
        if question_id is None:
            data = self._client.execute("rules", CREATE_INLINE, {"instance": instance})
            return str(data["createInlineQuestionRuleInstance"]["id"])
        data = self._client.execute("rules", CREATE_REFERENCED, {"instance": instance})
        return str(data["createReferencedQuestionRuleInstance"]["id"])

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        question_id = self._question_id(desired, resolver)
        desired = with_resource_group_id(desired, resolver, live)
        # The rule may have been edited since it was read: send the version it has now.
        current = self._client.execute("rules", RULE_VERSION, {"id": live.id})
        version = current["questionRuleInstance"]["version"]
        instance = {"id": live.id, "version": version}
        state = with_instance_ids(desired.state, resolver)
        instance.update(rule_input(desired.name, state, question_id))
        if question_id is None and not (
            instance["remediationSteps"] or live.state.get("remediationSteps")
        ):
            # The Terraform provider omits empty remediationSteps from this one input
            # (omitempty); sent as "" only when that is what clears the rule's steps.
            del instance["remediationSteps"]
        if question_id is None:
            data = self._client.execute("rules", UPDATE_INLINE, {"instance": instance})
            result = data["updateInlineQuestionRuleInstance"]
        else:
            data = self._client.execute("rules", UPDATE_REFERENCED, {"instance": instance})
            result = data["updateReferencedQuestionRuleInstance"]
        if bool(result.get("questionId")) != (question_id is not None):
            wanted = "a referenced question" if question_id else "an inline question"
            raise ApiError(
                f"{desired.address}: the API kept the rule's question form instead of "
                f"switching to {wanted}; delete the rule in JupiterOne and apply again"
            )

    def delete(self, live: LiveObject) -> None:
        self._client.execute("rules", DELETE_RULE, {"id": live.id})

    @staticmethod
    def _question_id(desired: DesiredObject, resolver: Resolver) -> str | None:
        ref = desired.state.get("questionRef")
        return resolver.id_of(address_of(QUESTION_KIND, ref)) if ref else None
