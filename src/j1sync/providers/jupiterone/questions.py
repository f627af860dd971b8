"""Question: saved J1QL questions (graphql area). Natural key: `name`, or `title` when the
question has no name (so hand-made questions are adopted, not duplicated)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.errors import NotFound, ResolutionError
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, Manifest, ProjectConfig
from j1sync.manifest.names import env_text_problem
from j1sync.providers.jupiterone.client import PAGE_LIMIT, JupiterOneClient, PageHandler
from j1sync.providers.jupiterone.list_gaps import fill_list_gaps
from j1sync.providers.jupiterone.models.common import DEFAULT_POLLING_INTERVAL
from j1sync.providers.jupiterone.models.parameter import KIND as PARAMETER_KIND
from j1sync.providers.jupiterone.models.question import QuestionSpec
from j1sync.providers.jupiterone.normalize import query_text, sorted_set, tags_with, text
from j1sync.providers.jupiterone.parameter_uses import parameter_addresses, waiting_for_parameters
from j1sync.providers.jupiterone.values import DEFAULT_QUERY_VERSION, DEFAULT_RESULTS_ARE

KIND = "Question"

_QUESTION_FIELDS = """
  id name title description tags showTrend pollingInterval
  queries { name query version resultsAre includeDeleted }
  compliance { standard requirements controls }
  variables { name required default } integrationDefinitionId
"""

# What a question may hold that no manifest does: `variables` (CreateQuestionInput takes
# them, QuestionUpdate cannot change them, so j1sync could never keep them as written) and
# the integration definition a managed question comes from (Question only reads it). Read
# to be named, never compared: export says it leaves them out, a plan deleting such a
# question that they go with it (unmanaged.py).
UNMANAGED_FIELDS = ("variables", "integrationDefinitionId")

LIST_QUESTIONS = (
    """
query J1SyncListQuestions($limit: Int, $cursor: String) {
  questions(type: ACCOUNT_ONLY, limit: $limit, cursor: $cursor) {
    questions {"""
    + _QUESTION_FIELDS
    + """}
    pageInfo { endCursor hasNextPage }
  }
}
"""
)

# A question's natural key: a list answer without it is settled by reading the question
# on its own (only a question that has no name there is keyed by its title).
LIST_GAP_FIELDS = ("name",)
GET_QUESTION = (
    """
query J1SyncQuestion($id: ID!) {
  question(id: $id) {"""
    + _QUESTION_FIELDS
    + """}
}
"""
)

CREATE_QUESTION = """
mutation J1SyncCreateQuestion($question: CreateQuestionInput!) {
  createQuestion(question: $question) { id }
}
"""

UPDATE_QUESTION = """
mutation J1SyncUpdateQuestion($id: ID!, $update: QuestionUpdate!) {
  updateQuestion(id: $id, update: $update) { id }
}
"""

DELETE_QUESTION = """
mutation J1SyncDeleteQuestion($id: ID!) {
  deleteQuestion(id: $id) { id }
}
"""


def normalize_query(query: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": query.get("name"),
        "query": query_text(query.get("query")),
        "version": query.get("version") or DEFAULT_QUERY_VERSION,
        "resultsAre": query.get("resultsAre") or DEFAULT_RESULTS_ARE,
        "includeDeleted": bool(query.get("includeDeleted")),
    }


def normalize_compliance(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "standard": item.get("standard"),
        "requirements": sorted_set(item.get("requirements")),
        "controls": sorted_set(item.get("controls")),
    }


def normalize_question(data: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    """The comparable shape of a question, from a manifest spec or an API object."""
    return {
        "title": data.get("title"),
        "description": text(data.get("description")),
        "tags": tags,
        "showTrend": bool(data.get("showTrend")),
        "pollingInterval": data.get("pollingInterval") or DEFAULT_POLLING_INTERVAL,
        "queries": [normalize_query(q) for q in data.get("queries") or []],
        "compliance": [normalize_compliance(c) for c in data.get("compliance") or []],
    }


def unmanaged_fields(raw: dict[str, Any]) -> list[str]:
    """The UNMANAGED_FIELDS `raw` holds a value in."""
    return [name for name in UNMANAGED_FIELDS if raw.get(name)]


def question_key(raw: dict[str, Any]) -> str:
    return str(raw.get("name") or raw.get("title") or "")


def question_input(state: dict[str, Any]) -> dict[str, Any]:
    """CreateQuestionInput / QuestionUpdate fields from a normalized state (no widgetId:
    a question created with a widgetId is hidden from the questions list)."""
    return {
        "title": state["title"],
        "description": state["description"],
        "tags": state["tags"],
        "showTrend": state["showTrend"],
        "pollingInterval": state["pollingInterval"],
        "queries": state["queries"],
        "compliance": state["compliance"],
    }


def title_must_stay(address: str, live_title: str, desired_title: str) -> str:
    """Why a nameless question matched by its title cannot take another title."""
    return (
        f"{address}: the question in JupiterOne has no name and is matched by its title "
        f"{live_title!r}; the API cannot name it, so its title must stay {live_title!r} "
        f"(spec.title is {desired_title!r}). Set spec.title to {live_title!r}, or delete the "
        "question in JupiterOne to let j1sync create it"
    )


class Questions:
    kind = KIND
    prune: PrunePolicy = "tagged"
    resolves_against = (KIND, PARAMETER_KIND)

    def __init__(self, client: JupiterOneClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self._client = client
        self.managed_tag = managed_tag

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = manifest.spec_data()
        state = normalize_question(spec, tags_with(spec.get("tags"), project.managed_tag))
        return DesiredObject(KIND, manifest.name, state, source=manifest.source)

    def live_object(self, raw: dict[str, Any]) -> LiveObject:
        tags = sorted_set(raw.get("tags"))
        state = normalize_question(raw, tags)
        return LiveObject(
            kind=KIND,
            name=question_key(raw),
            id=raw["id"],
            state=state,
            managed=self.managed_tag in tags,
            references=parameter_addresses(state, rule_fields=False),
            raw=raw,
            # text holding `${env:...}` (a query quoting a shell variable): export leaves
            # the question out, the plan never deletes it
            undeclarable=env_text_problem(QuestionSpec, state),
        )

    def read_all(
        self, each_page: Callable[[list[LiveObject]], None] | None = None
    ) -> list[LiveObject]:
        """Every question. `each_page`, when given, has each page's live objects as they
        come, in order, on a thread of its own while the next page is read (as the rules'
        `read_raw`): the very objects returned."""
        if each_page is None:
            raws = self._list(None)
            raws = fill_list_gaps(KIND, raws, LIST_GAP_FIELDS, self._read_one)
            return [self.live_object(raw) for raw in raws]
        live: list[LiveObject] = []

        def page(raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
            filled = fill_list_gaps(KIND, raws, LIST_GAP_FIELDS, self._read_one)
            made = [self.live_object(raw) for raw in filled]
            live.extend(made)
            each_page(made)
            return filled

        self._list(page)
        return live

    def _list(self, each_page: PageHandler | None) -> list[dict[str, Any]]:
        return self._client.collect(
            "graphql",
            LIST_QUESTIONS,
            {"limit": PAGE_LIMIT},
            ("questions",),
            "questions",
            each_page,
        )

    def _read_one(self, question_id: str) -> dict[str, Any] | None:
        """The question on its own, or None when it was deleted since the list was read."""
        try:
            data = self._client.execute("graphql", GET_QUESTION, {"id": question_id})
        except NotFound:
            return None
        question = data.get("question")
        return question if isinstance(question, dict) else None

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """A manifest that matches a nameless question (by its title) and gives it another
        title can never be applied (`update`): said before any change, at the manifest,
        not as a failed change half-way through an apply. A question waits for the
        parameters it names that the account does not hold yet (parameter_uses.py)."""
        keys = Counter(obj.name for obj in live if obj.kind == KIND)
        nameless = {obj.name for obj in live if obj.kind == KIND and not obj.raw.get("name")}
        problems = [
            title_must_stay(want.address, want.name, want.state["title"])
            for want in desired
            if want.name in nameless and keys[want.name] == 1 and want.state["title"] != want.name
        ]
        return waiting_for_parameters(desired, live, rule_fields=False), problems

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        question = {"name": desired.name, **question_input(desired.state)}
        data = self._client.execute("graphql", CREATE_QUESTION, {"question": question})
        return str(data["createQuestion"]["id"])

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        if not live.raw.get("name") and desired.state["title"] != live.name:
            # QuestionUpdate cannot set a name: a nameless question is known only by its
            # title, so a new title would lose the match (deleted and created next time).
            # The plan refuses it (resolve_desired); a saved plan may still hold it.
            raise ResolutionError(
                title_must_stay(desired.address, live.name, desired.state["title"])
            )
        variables = {"id": live.id, "update": question_input(desired.state)}
        self._client.execute("graphql", UPDATE_QUESTION, variables)

    def delete(self, live: LiveObject) -> None:
        self._client.execute("graphql", DELETE_QUESTION, {"id": live.id})
