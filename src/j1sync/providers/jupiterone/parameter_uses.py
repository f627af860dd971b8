"""The account parameters a question or rule names: a query's `${ param.X }` and a rule
field's `{{param.X}}` (parameters.md). JupiterOne abandons a query naming a parameter that
does not exist, so a live object's are its `LiveObject.references` (the plan deletes a
parameter only once the changes that stop naming it are done, and none that an object it
leaves alone still names: engine/plan.py `_order_deletes`, `_keep_what_is_used`), and a
desired object waits for the parameters it names that the plan creates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, address_of
from j1sync.engine.paths import texts_holding
from j1sync.providers.jupiterone.checks.query_checks import RULE_PARAMETER
from j1sync.providers.jupiterone.j1ql import check_query
from j1sync.providers.jupiterone.models.parameter import KIND as PARAMETER_KIND


def parameter_addresses(state: dict[str, Any], *, rule_fields: bool) -> tuple[str, ...]:
    """The `Parameter/X` addresses `state` names: in its queries (a question's, a rule's
    inline question's), and (`rule_fields`: a rule's state) in any of its text."""
    names: set[str] = set()
    question = state.get("question") if rule_fields else state
    queries = question.get("queries") if isinstance(question, dict) else None
    for query in queries if isinstance(queries, list) else ():
        text = query.get("query") if isinstance(query, dict) else None
        if isinstance(text, str) and "${" in text and "param" in text:
            names.update(use.name for use in check_query(text).parameters)
    if rule_fields:
        for text in texts_holding(state, "{{"):
            names.update(match.group(1) for match in RULE_PARAMETER.finditer(text))
    return tuple(address_of(PARAMETER_KIND, name) for name in sorted(names))


def waiting_for_parameters(
    desired: Sequence[DesiredObject], live: Sequence[LiveObject], *, rule_fields: bool
) -> list[DesiredObject]:
    """`desired`, each depending on the parameters it names that `live` does not hold: a
    Parameter manifest's create then comes first, and when it fails the object is not
    made or changed to name a parameter that does not exist. (One the account holds needs
    no wait; one that neither a manifest nor the account holds is the plan checks'.)"""
    held = {obj.address for obj in live if obj.kind == PARAMETER_KIND}
    waiting = []
    for want in desired:
        named = parameter_addresses(want.state, rule_fields=rule_fields)
        missing = tuple(a for a in named if a not in held and a not in want.depends_on)
        waiting.append(replace(want, depends_on=want.depends_on + missing) if missing else want)
    return waiting
