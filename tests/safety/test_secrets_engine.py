"""The rules behind secret masking, without a server: which rule fields are credentials,
that masking covers dict keys and both sides of a change, that fingerprints are salted
per plan, and that every masked value is scrubbed from messages leaving the process."""

from __future__ import annotations

import hashlib
import json

from j1sync.engine.plan import build_plan
from j1sync.engine.sensitive import MASK, redact_secrets
from j1sync.providers.jupiterone.alert_rules import rule_credential_paths
from tests.engine.builders import KINDS, PROJECT, have, want

CREDENTIALS = {"AlertRule": rule_credential_paths}


def rule(*actions: dict[str, object], **extra: object) -> dict[str, object]:
    return {"operations": [{"when": None, "actions": list(actions)}], **extra}


def test_rule_credentials_are_declared_by_action_type_and_by_key_name() -> None:
    state = rule(
        {"type": "WEBHOOK", "endpoint": "u", "method": "POST", "headers": {}, "body": {}},
        {"type": "SEND_SLACK_MESSAGE", "webhookUrl": "u", "channels": ["#a"]},
        {"type": "CREATE_JIRA_TICKET", "project": "P", "fields": {"apiToken": "t"}},
        {"type": "SEND_EMAIL", "recipients": ["a@b.c"], "body": "hi", "author": "me"},
        templates={"authHeader": "Bearer x", "summary": "s"},
    )
    assert sorted(rule_credential_paths(state)) == [
        "operations[0].actions[0].body",
        "operations[0].actions[0].endpoint",
        "operations[0].actions[0].headers",
        "operations[0].actions[1].webhookUrl",
        "operations[0].actions[2].fields.apiToken",
        "templates.authHeader",
    ]


def test_a_secret_used_as_a_key_is_masked_and_kept_out_of_changed_paths() -> None:
    secret = "env-secret-as-key-91f"
    desired = [want("AlertRule", "r", labels={"team": f"x{secret}"})]
    live = [have("AlertRule", "r", "1", managed=True, labels={secret: "v", "team": "old"})]
    plan = build_plan(desired, live, KINDS, PROJECT, "a", {f"x{secret}": "x${env:K}"})
    (change,) = plan.changes
    assert change.before == {"labels": {MASK: "v", "team": MASK}}  # masked where after is
    assert change.changed_paths == ['labels["(sensitive)"]', "labels.team"]
    assert secret not in json.dumps(plan.to_dict())


def test_fingerprints_are_salted_per_plan_and_hold_no_plain_hash() -> None:
    live = [have("AlertRule", "r", "1", managed=True, **rule({"type": "WEBHOOK", "endpoint": "s"}))]
    desired = [want("AlertRule", "r", description="new", **rule({"type": "WEBHOOK"}))]
    first, second = (
        build_plan(desired, live, KINDS, PROJECT, "a", {}, CREDENTIALS) for _ in range(2)
    )
    assert first.fingerprint_salt != second.fingerprint_salt
    assert first.changes[0].live_fingerprint != second.changes[0].live_fingerprint
    plain = json.dumps(
        {"id": "1", "state": live[0].state}, sort_keys=True, separators=(",", ":")
    ).encode()
    assert hashlib.sha256(plain).hexdigest() not in json.dumps(first.to_dict(saved=True))


def test_every_masked_value_is_scrubbed_from_messages() -> None:
    literal = "https://hooks.slack.com/services/literal-7f0e2"
    desired = [
        want("AlertRule", "r", **rule({"type": "SEND_SLACK_MESSAGE", "webhookUrl": literal}))
    ]
    plan = build_plan(desired, [], KINDS, PROJECT, "a", {}, CREDENTIALS)
    assert plan.changes[0].literal_secrets == ["operations[0].actions[0].webhookUrl"]
    assert literal not in json.dumps(plan.to_dict())
    message = f"BAD_USER_INPUT: invalid value {{webhookUrl: {literal!r}}}"
    assert redact_secrets(message) == "BAD_USER_INPUT: invalid value {webhookUrl: '(sensitive)'}"
