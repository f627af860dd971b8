"""The JupiterOne provider: its kinds in dependency order and a concurrent reader."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from j1sync.engine.contract import KindRead, LiveObject, LivePart, ResourceKind, no_part
from j1sync.engine.model import Change
from j1sync.errors import ConfigError
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, Manifest
from j1sync.providers.client_provider import ClientStops
from j1sync.providers.jupiterone.alert_rules import (
    AlertRules,
    name_resource_groups,
    question_ref,
)
from j1sync.providers.jupiterone.checks.query_checks import (
    ParameterReference,
    parameter_references,
)
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.dashboards import KIND as DASHBOARDS
from j1sync.providers.jupiterone.dashboards import Dashboards
from j1sync.providers.jupiterone.iam_groups import IamGroups, lockout_messages
from j1sync.providers.jupiterone.integration_schedules import KIND as SCHEDULES
from j1sync.providers.jupiterone.integration_schedules import IntegrationSchedules
from j1sync.providers.jupiterone.parameter_kind import Parameters
from j1sync.providers.jupiterone.parameters import ParameterStore
from j1sync.providers.jupiterone.questions import KIND as QUESTIONS
from j1sync.providers.jupiterone.questions import Questions
from j1sync.providers.jupiterone.resource_groups import KIND as RESOURCE_GROUPS
from j1sync.providers.jupiterone.resource_groups import ResourceGroups
from j1sync.providers.jupiterone.rule_instances import names_no_instance
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.jupiterone.strict_references import with_undeclarable_targets

# How often a read waiting for an earlier read's first request looks whether that read
# is over (it may end, failed or abandoned, before any request).
FIRST_REQUEST_CHECK_S = 0.05


class JupiterOneProvider(ClientStops[JupiterOneClient]):
    """A connected JupiterOne account (implements `engine.contract.Provider`)."""

    def __init__(self, client: JupiterOneClient, managed_tag: str = DEFAULT_MANAGED_TAG) -> None:
        self.client = client
        self.account = client.account
        self.questions = Questions(client, managed_tag)
        self.resource_groups = ResourceGroups(client)
        self.integration_schedules = IntegrationSchedules(client)
        self.alert_rules = AlertRules(
            client,
            managed_tag,
            self.resource_groups.names,
            lambda: instance_keys(self.integration_schedules.read_all()),
        )
        self.iam_groups = IamGroups(client)
        self.parameters = Parameters(client)
        # the manifests' parameter references, found while the account was read
        self._references: tuple[Sequence[Manifest], list[ParameterReference]] | None = None
        # rules made page by page whose actions name no instance (by id, the rule kept:
        # `is` tells it is the same), so that linking need not look at them again
        self._naming_none: dict[int, LiveObject] = {}
        self.dashboards = Dashboards(
            client, self.resource_groups.names, lambda: question_keys(self.questions.read_all())
        )
        # the questions as the last read of them found them: a later read of the boards
        # alone (reconcile reads them once a plan deletes what they may show, seconds after
        # the questions were read) names their widgets' questions by these rather than read
        # every question again (kept as read: named only when boards are read)
        self._questions_read: list[LiveObject] | None = None
        # Dependency order, each kind after the kinds it names: queries and rules name
        # parameters; a resource group's permissions name IAM groups; a rule names its
        # question, its resource group and the integration instances its actions target;
        # a board's widgets name questions and the board its resource group.
        self.kinds: Sequence[ResourceKind] = (
            self.parameters,
            self.questions,
            self.iam_groups,
            self.resource_groups,
            self.integration_schedules,
            self.alert_rules,
            self.dashboards,
        )
        self._by_name = {k.kind: k for k in self.kinds}

    @property
    def settings(self) -> Settings:
        """The connection's settings (a saved plan is bound to its account and URL)."""
        return self.client.settings

    @property
    def managed_tag(self) -> str:
        return self.questions.managed_tag

    @managed_tag.setter
    def managed_tag(self, tag: str) -> None:
        """j1sync.yaml may set `managedTag`: it decides which live objects are managed."""
        self.questions.managed_tag = tag
        self.alert_rules.managed_tag = tag

    def kind(self, name: str) -> ResourceKind:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise ConfigError(f"unknown kind {name!r}; kinds: {known}") from None

    def prepare_checks(self, manifests: Sequence[Manifest]) -> None:
        """What plan's checks of the account need of the manifests alone, found while the
        account is read rather than after (live_query_checks): the parameters they name
        (rule specs dumped to look for `{{`, ~0.1 s at 20,000 objects)."""
        self._references = (manifests, parameter_references(manifests))

    def parameter_references(self, manifests: Sequence[Manifest]) -> list[ParameterReference]:
        """`query_checks.parameter_references(manifests)`: as found by `prepare_checks`
        when it was given these very manifests."""
        if self._references is not None and self._references[0] is manifests:
            return self._references[1]
        return parameter_references(manifests)

    def wait_first_request(self, earlier: Future[Any]) -> None:
        """Wait until a request is in line (the client sends its very first alone, until
        the account's quota is known) or the `earlier` read is over: a read started after
        `earlier` then sends its first request after `earlier`'s, whatever the threads'
        timing (reconcile's reads, the kinds of one read: rules, the longest chain of
        pages, first)."""
        first = self.client.quota.first_in_line
        while not first.wait(FIRST_REQUEST_CHECK_S) and not earlier.done():
            pass

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Read the given kinds (all when None) concurrently, then link rules to the
        questions they reference (questionId -> questionRef: <question name>) and, when
        the integration instances were read, to the instances their actions target
        (integrationInstanceId -> integrationInstance: <instance name>)."""
        return self.read_live_in_parts(kinds, no_part)

    def read_live_in_parts(self, kinds: Sequence[str] | None, part: LivePart) -> list[LiveObject]:
        """`read_live`, each kind's objects handed to `part` once that kind is read
        (engine.contract.ReadsInParts); questions' page by page, and rules' as their page
        and the question each names are read (`_RulesAsRead`); boards' with the whole
        read."""
        wanted = [k.kind for k in self.kinds] if kinds is None else list(kinds)
        for name in wanted:
            self.kind(name)  # unknown kinds fail before any request
        rules = _RulesAsRead(self, part, groups_read=RESOURCE_GROUPS in wanted)
        # Started in this order, the longest chain of pages first: the client sends its
        # very first request alone (until the account's quota is known), and that should
        # be the rules' first page, not whichever reader's thread got there first.
        readers: dict[str, Callable[[], Any]] = {
            "AlertRule": partial(self.alert_rules.read_raw, rules.page),
            "Question": partial(self._read_questions, rules, "Question" in wanted),
            "IamGroup": self.iam_groups.read_all,
            "IntegrationSchedule": self.integration_schedules.read_all,
            "Parameter": self.parameters.read_all,
            RESOURCE_GROUPS: self.resource_groups.read_all,
            DASHBOARDS: self.dashboards.read_raw,
        }
        # Rules and boards need question ids -> names even when questions were not asked for
        # (boards alone: unless an earlier read of this provider's has them).
        namers = {"AlertRule", DASHBOARDS} if self._questions_read is None else {"AlertRule"}
        needed = set(wanted) | ({"Question"} if namers & set(wanted) else set())
        # one read: should a request get no answer for good, the others stop (reading)
        with self.client.reading(), ThreadPoolExecutor(max_workers=len(needed)) as pool:
            futures: dict[str, Future[Any]] = {}
            for name, reader in readers.items():
                if name in needed and futures:
                    # the first submitted (the rules, when read) sends the first request
                    first = next(iter(futures.values()))
                    futures[name] = pool.submit(self._after, first, reader)
                elif name in needed:
                    futures[name] = pool.submit(reader)
            for name, future in futures.items():
                if name in wanted and name not in ("AlertRule", "Question", DASHBOARDS):
                    future.add_done_callback(partial(_hand_over, part, name))
            rules.started(futures)
            try:
                results = {name: future.result() for name, future in futures.items()}
            except KeyboardInterrupt:
                self.abandon()  # the pool's exit waits for its readers: make them stop
                raise

        rules_made = rules.live_of(results["AlertRule"]) if "AlertRule" in results else None
        if "AlertRule" in results and rules_made is None:
            self._name_resource_groups(results)
        if "Question" in results:
            self._questions_read = results["Question"]
        live: list[LiveObject] = []
        for name in [k.kind for k in self.kinds if k.kind in wanted]:
            if name == "AlertRule" and rules_made is not None:
                live.extend(rules_made)  # the very objects handed over: their preparing holds
            elif name == "AlertRule":
                names = question_keys(results["Question"])
                live.extend(self.alert_rules.live_object(raw, names) for raw in results[name])
            elif name == DASHBOARDS:
                names = question_keys(self._questions_read or [])
                groups = None
                if RESOURCE_GROUPS in results:
                    groups = group_keys(results[RESOURCE_GROUPS])
                live.extend(self.dashboards.live_objects(results[name], names, groups))
            else:
                live.extend(results[name])
        return self.link(live)

    def _read_questions(self, rules: _RulesAsRead, hand_over: bool) -> list[LiveObject]:
        """The questions, page by page: each page to the rules waiting for its questions
        (`rules`) and, when `hand_over`, to the read's parts."""

        def page(questions: list[LiveObject]) -> None:
            rules.question_page(questions)
            if hand_over:
                rules.hand_over(questions)

        read = self.questions.read_all(page)
        rules.questions_read(read)
        if hand_over:  # all of them (what resolves against them need not wait for the rules)
            rules.hand_over(KindRead(QUESTIONS, read))
        return read

    def _after(self, earlier: Future[Any], reader: Callable[[], Any]) -> Any:
        self.wait_first_request(earlier)
        return reader()

    def safety_messages(self, changes: Sequence[Change]) -> list[str]:
        """engine.contract.GuardsChanges: the Administrators group left without its rights
        or its members."""
        return lockout_messages(changes)

    def link(self, live: Sequence[LiveObject]) -> list[LiveObject]:
        """Rules' actions written in terms of the integration instances among `live`
        (integrationInstanceId -> integrationInstance: <instance key>), which are read
        only when needed: declared, or named by a manifest. Objects read apart (one read
        for the rules, a later one for the instances) are linked alike; linking twice
        changes nothing. A rule or board naming a question or resource group no manifest
        can declare as it is cannot have a manifest either (strict_references.py)."""
        keys = instance_keys(live)
        if not keys:
            return with_undeclarable_targets(live)
        rules, naming_none = self.alert_rules, self._naming_none
        return with_undeclarable_targets(
            [
                rules.with_instance_names(o, keys)
                if o.kind == rules.kind and naming_none.get(id(o)) is not o
                else o
                for o in live
            ]
        )

    def _name_no_instance(self, rules: Sequence[LiveObject]) -> None:
        """Note those of `rules` whose actions name no instance (as they are read, while
        the rest is: `link` then leaves them as they are without looking again)."""
        for rule in rules:
            if names_no_instance(rule.state.get("operations") or []):
                self._naming_none[id(rule)] = rule

    def _name_resource_groups(self, results: dict[str, Any]) -> None:
        """Rules hold their resource group's id; manifests name it (`resourceGroup`). The
        groups are listed only when some rule is in one and they were not read anyway."""
        if RESOURCE_GROUPS in results:
            read = group_keys(results[RESOURCE_GROUPS])
            name_resource_groups(results["AlertRule"], lambda: read)
        else:
            name_resource_groups(results["AlertRule"], self.resource_groups.names)

    def lock_store(self) -> ParameterStore:
        """Where the apply lock lives: the account's parameter store."""
        return ParameterStore(self.client)


def _hand_over(part: LivePart, kind: str, read: Future[list[LiveObject]]) -> None:
    """A kind's read is over: its objects to `part` (a failed read's: none)."""
    if not read.cancelled() and read.exception() is None:
        part(KindRead(kind, read.result()))


class _RulesAsRead:
    """The rules' live objects made as the rules are read (`page`, on the read's page
    thread) and handed to `part`: a rule names its question (questionId -> questionRef:
    the question's key), and the questions come page by page too (`question_page`), so a
    rule is made as soon as the question it names is read, or at once when it names
    none; the rest once the questions are all read (`questions_read`), which also makes
    again any rule made early whose question the whole read names otherwise (a question
    renamed between two pages): the objects returned are those the whole read makes. The
    resource groups, when read, are waited for first (a rule in one is named by it).
    When the groups' read fails no more pages are made, and the read raises that error,
    as without pages; when the questions' fails, the rules naming one are never made."""

    def __init__(self, provider: JupiterOneProvider, part: LivePart, groups_read: bool) -> None:
        self._provider = provider
        self._part = part
        self._groups_read = groups_read
        self._futures: dict[str, Future[Any]] = {}
        self._started = threading.Event()
        self._groups: dict[str, str] | None = None
        self._off = False
        self._lock = threading.Lock()  # the page thread and the questions' reader
        self._questions: dict[str, str] = {}  # question id -> key, of the pages read
        self._questions_done = False
        self._held: list[dict[str, Any]] = []  # rules whose question is not read yet
        # id(raw) -> (raw, its live object, the key it was made with for its question)
        self._made: dict[int, tuple[dict[str, Any], LiveObject, str | None]] = {}

    def started(self, futures: dict[str, Future[Any]]) -> None:
        self._futures = futures
        self._started.set()

    def live_of(self, raws: Sequence[dict[str, Any]]) -> list[LiveObject] | None:
        """The live objects made of `raws` (the read's rules), in their order; None unless
        every one was made."""
        if self._off:
            return None
        live = []
        for raw in raws:
            made = self._made.get(id(raw))
            if made is None or made[0] is not raw:
                return None
            live.append(made[1])
        return live

    def page(self, raws: list[dict[str, Any]]) -> None:
        if self._off or not self._groups_ready():
            self._off = True
            return
        name_resource_groups(raws, self._group_names)
        with self._lock:
            if self._questions_done:
                ready = raws
            else:
                known = self._questions
                ready = []
                for raw in raws:
                    question_id = raw.get("questionId")
                    (ready if not question_id or question_id in known else self._held).append(raw)
            self._make(ready, self._questions)

    def question_page(self, questions: list[LiveObject]) -> None:
        """A page of the questions, read: the rules waiting for one of them are made."""
        with self._lock:
            self._questions.update(question_keys(questions))
            known, held = self._questions, self._held
            ready = [raw for raw in held if raw["questionId"] in known]
            if ready:
                self._held = [raw for raw in held if raw["questionId"] not in known]
                self._make(ready, known)

    def questions_read(self, questions: list[LiveObject]) -> None:
        """The questions' whole read: the rules still waiting are made with it, and any
        rule made early with another key for its question is made again."""
        names = question_keys(questions)
        with self._lock:
            self._questions_done = True
            self._questions = names
            again = [raw for raw, _, ref in self._made.values() if question_ref(raw, names) != ref]
            ready, self._held = [*self._held, *again], []
            self._make(ready, names)

    def _make(self, raws: list[dict[str, Any]], names: dict[str, str]) -> None:
        """Live objects of `raws`, handed over (the lock held)."""
        if not raws:
            return
        rules = self._provider.alert_rules
        made = [rules.live_object(raw, names) for raw in raws]
        self._provider._name_no_instance(made)
        for raw, obj in zip(raws, made, strict=True):
            self._made[id(raw)] = (raw, obj, question_ref(raw, names))
        self._part(made)

    def hand_over(self, objects: list[LiveObject]) -> None:
        self._part(objects)

    def _groups_ready(self) -> bool:
        """The resource groups, when read: waits for them the first time; False when
        their read failed."""
        if not self._groups_read or self._groups is not None:
            return True
        self._started.wait()
        read = self._futures[RESOURCE_GROUPS]
        if read.exception() is not None:
            return False
        self._groups = group_keys(read.result())
        return True

    def _group_names(self) -> dict[str, str]:
        """The resource groups as read, or listed once (only when some rule is in one)."""
        if self._groups is None:
            self._groups = self._provider.resource_groups.names()
        return self._groups


def instance_keys(live: Sequence[LiveObject]) -> dict[str, str]:
    """Integration instance id -> key (how manifests name instances), of those in `live`."""
    return {obj.id: obj.name for obj in live if obj.kind == SCHEDULES and obj.id}


def group_keys(live: Sequence[LiveObject]) -> dict[str, str]:
    """Resource group id -> name (what a rule's resourceGroupId means), of those in `live`."""
    return {obj.id: obj.name for obj in live if obj.kind == RESOURCE_GROUPS and obj.id}


def question_keys(live: Sequence[LiveObject]) -> dict[str, str]:
    """Question id -> natural key (how manifests name questions), of those in `live`."""
    return {obj.id: obj.name for obj in live if obj.kind == QUESTIONS and obj.id}


def connect(settings: Settings, managed_tag: str = DEFAULT_MANAGED_TAG) -> JupiterOneProvider:
    """A provider for the account `settings` names (no request is made yet)."""
    return JupiterOneProvider(JupiterOneClient(settings), managed_tag)
