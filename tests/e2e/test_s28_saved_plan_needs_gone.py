"""A saved plan whose change names an object the plan leaves alone (a new rule's
`questionRef` to an existing question) is refused as stale when that object is gone
from the account since the plan, before any change. Before, the staleness check looked
only at the objects the plan changes: apply started and the rule failed ("Question/q-dep
has no id: it is not in the account and was not created in this run"), exit 1 after
other changes were made."""

from __future__ import annotations

from tests.e2e.conftest import Account
from tests.e2e.test_lifecycle import QUESTION, REF_RULE, official_client


def test_a_plan_naming_a_question_deleted_since_is_stale(empty_account: Account) -> None:
    acc = empty_account
    acc.write("q.yaml", QUESTION.format(name="q-dep"))
    assert acc.run("apply", str(acc.manifests), "--auto-approve").exit_code == 0
    acc.write("r.yaml", REF_RULE.format(name="r-dep", ref="q-dep"))
    saved = acc.tmp_path / "plan.json"
    assert acc.run("plan", str(acc.manifests), "--out", str(saved)).exit_code == 0

    client = official_client(acc)
    question = next(q for q in client.list_questions() if q["title"] == "q-dep")
    client.delete_question(question_id=question["id"])

    refused = acc.run("apply", "--plan", str(saved), "--auto-approve")
    assert refused.exit_code == 1, refused.output
    assert "the plan is stale" in refused.output
    assert "AlertRule/r-dep: needs Question/q-dep, which is no longer in the account" in (
        refused.output
    )
    assert client.list_alert_rules() == []  # nothing made
