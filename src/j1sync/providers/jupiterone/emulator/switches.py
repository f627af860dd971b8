"""The JupiterOne emulator's runtime switches: the shared fault switches and counters
(j1sync.emulator.faults) plus what only its GraphQL API has (page size, nulls in list
answers, the schedule-null behaviour, IAM availability, rate limits inside an HTTP 200,
the documented quotas).

Everything here may be changed from Python while the server runs; the server reads the
switches on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from j1sync.emulator.faults import FailureMode, FaultSwitches, Stats, TargetedFailure
from j1sync.providers.jupiterone.emulator.quotas import Charge, QuotaBuckets, Quotas, invocations
from j1sync.providers.jupiterone.values import LARGEST_PAGE

__all__ = [
    "LIST_NULL_FIELDS",
    "FailureMode",
    "FaultSwitches",
    "ScheduleNull",
    "Stats",
    "Switches",
    "TargetedFailure",
]


# How the live API treats `pollingIntervalCronExpression: null` in updateIntegrationInstance
# is undocumented: it may clear the stored hour and day, or be ignored like an absent key.
ScheduleNull = Literal["clears", "ignored"]

# Fields that j1sync keys or compares on but that no reference client reads from a list
# query: the live list answers may leave them null (`list_nulls` makes the emulator do so;
# the single-object queries still answer them).
LIST_NULL_FIELDS = frozenset(
    {"Question.name", "QuestionRuleInstance.labels", "QuestionRuleInstance.ignorePreviousResults"}
)


@dataclass
class Switches(FaultSwitches):
    page_size: int = LARGEST_PAGE
    list_nulls: frozenset[str] = frozenset()  # of LIST_NULL_FIELDS: null in list answers
    schedule_null: ScheduleNull = "clears"
    # IAM: an account without the IAM API (not SSO / not enabled by support), and a key
    # whose user lacks accessAdmin. Either way every IAM root field is refused.
    iam_enabled: bool = True
    iam_key_permitted: bool = True
    # root fields the key's role is refused, as IAM's are above: a role without an app's
    # permission (Insights: getDashboards...)
    refused_fields: frozenset[str] = frozenset()
    # probability of a rate limit answered as HTTP 200 with errors[] (nothing executed)
    rate_429_in_200: float = 0.0
    # the documented token buckets (account and API token) and RateLimit-* headers; None:
    # no quotas, no headers (see quotas.py)
    quotas: Quotas | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self._buckets: QuotaBuckets | None = None

    def charge_quota(self, token: str, payload: Any) -> Charge | None:
        """Count this request's invocations against the `quotas` buckets (kept while
        `quotas` stays the same); None when there are no quotas."""
        quotas = self.quotas
        if quotas is None:
            return None
        with self._lock:
            if self._buckets is None or self._buckets.quotas is not quotas:
                self._buckets = QuotaBuckets(quotas)
            buckets = self._buckets
        return buckets.charge(token, *invocations(payload))

    def list_answer(self, type_name: str, objects: list[Any]) -> list[Any]:
        """The objects of a list answer, with the `list_nulls` fields of `type_name`
        (e.g. "Question.name") left null."""
        prefix = f"{type_name}."
        nulled = [name.removeprefix(prefix) for name in self.list_nulls if name.startswith(prefix)]
        if not nulled:
            return objects
        return [{**obj, **dict.fromkeys(nulled)} for obj in objects]
