"""Parameter, end to end through the CLI and the emulator: values of every type converge;
a secret is written on create, when its `${env:}` value changed, when hand-edited, or
on `apply --rotate`, and is otherwise no change; it is never shown; j1sync's own records
(the apply lock, fingerprints) are never planned, exported or counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from j1sync.engine.lock import LOCK_NAME
from j1sync.providers.jupiterone.models.parameter import is_reserved_parameter
from j1sync.providers.jupiterone.parameter_fingerprint import fingerprint_name
from tests.e2e.conftest import Account
from tests.providers.test_retry_notice import closed_port

SECRET = "tok-8d1e5c2a9b7f"
ENV = {"PARAM_TEST_TOKEN": SECRET}

PLAIN = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: {name}
spec:
  value: {value}
"""
SECRET_DOC = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: api_token
spec:
  secret: true
  value: ${env:PARAM_TEST_TOKEN}
"""


def stored(account: Account) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in account.emu.snapshot().get("parameters", [])}


def plan_json(account: Account, *args: str, env: dict[str, str] | None = None) -> Any:
    result = account.run("plan", account.manifests, "--format", "json", *args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def changes(account: Account, env: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    return {c["address"]: c for c in plan_json(account, env=env)["changes"]}


def apply(account: Account, *args: str, env: dict[str, str] | None = None) -> str:
    result = account.run("apply", account.manifests, "--auto-approve", *args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def converged(account: Account, env: dict[str, str] | None = None) -> bool:
    result = account.run("plan", account.manifests, "--detailed-exitcode", env=env)
    return result.exit_code == 0


def test_values_of_every_type_are_created_and_then_unchanged(empty_account: Account) -> None:
    acc = empty_account
    values = {"url": '"https://x.example/a"', "count": "3", "ratio": "0.5", "on": "true"}
    values["many"] = "[a, 2, false, 1.5]"
    for name, value in values.items():
        acc.write(f"{name}.yaml", PLAIN.format(name=name, value=value))
    apply(acc)
    assert converged(acc)
    found = {n: p["value"] for n, p in stored(acc).items()}
    assert found == {
        "url": "https://x.example/a",
        "count": 3,
        "ratio": 0.5,
        "on": True,
        "many": ["a", 2, False, 1.5],
    }
    acc.write("count.yaml", PLAIN.format(name="count", value="4"))
    change = changes(acc)["Parameter/count"]
    assert (change["action"], change["changed_paths"]) == ("update", ["value"])
    apply(acc)
    assert converged(acc)


def test_a_secret_is_written_once_and_is_then_no_change(empty_account: Account) -> None:
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    shown = apply(acc, "--show-plan", env=ENV)
    assert SECRET not in shown
    params = stored(acc)
    assert params["api_token"]["value"] == SECRET and params["api_token"]["secret"] is True
    record = params[fingerprint_name("api_token")]
    assert record["secret"] is False and SECRET not in record["value"]
    assert converged(acc, ENV)  # no perpetual diff
    plan = acc.run("plan", acc.manifests, "--format", "json", env=ENV).stdout
    assert SECRET not in plan and fingerprint_name("api_token") not in plan


def test_a_changed_env_value_is_written_and_never_shown(empty_account: Account) -> None:
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    apply(acc, env=ENV)
    new = {"PARAM_TEST_TOKEN": "tok-rotated-4e2f"}
    change = changes(acc, env=new)["Parameter/api_token"]
    assert (change["action"], change["changed_paths"]) == ("update", ["value"])
    assert change["before"]["value"] == change["after"]["value"] == "(sensitive)"
    for fmt in ("text", "markdown", "json"):
        out = acc.run("plan", acc.manifests, "--format", fmt, env=new).output
        assert "tok-rotated-4e2f" not in out and SECRET not in out
    apply(acc, env=new)
    assert stored(acc)["api_token"]["value"] == "tok-rotated-4e2f"
    assert converged(acc, new)


def test_a_hand_edited_secret_is_drift_and_apply_heals_it(empty_account: Account) -> None:
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    apply(acc, env=ENV)
    acc.emu.seed_objects({"parameters": [{"name": "api_token", "value": "x", "secret": True}]})
    drift = acc.run("drift", acc.manifests, env=ENV)
    assert drift.exit_code == 2, drift.output
    apply(acc, env=ENV)
    assert stored(acc)["api_token"]["value"] == SECRET
    assert converged(acc, ENV)


def test_rotate_writes_the_secret_again_and_refuses_unknown_names(
    empty_account: Account,
) -> None:
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    acc.write("plain.yaml", PLAIN.format(name="plain", value="x"))
    apply(acc, env=ENV)
    before = stored(acc)["api_token"]["lastUpdatedOn"]
    output = apply(acc, "--rotate", "api_token", env=ENV)
    assert "updated Parameter/api_token" in output
    assert stored(acc)["api_token"]["lastUpdatedOn"] != before
    for name in ("nope", "plain"):
        refused = acc.run("apply", acc.manifests, "--auto-approve", "--rotate", name, env=ENV)
        assert refused.exit_code == 1 and f"--rotate {name}" in refused.output


def test_a_misspelt_rotate_name_is_refused_before_the_account_is_read(
    empty_account: Account,
) -> None:
    """The names are checked against the manifests, before the lock is taken or any
    request made: with no server at all, the answer is the name's problem, not the
    network's (it used to come only after the whole account was read)."""
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    nowhere = {**ENV, "JUPITERONE_API_URL": f"http://127.0.0.1:{closed_port()}"}
    refused = acc.run("apply", acc.manifests, "--auto-approve", "--rotate", "api_tokn", env=nowhere)
    assert refused.exit_code == 1, refused.output
    assert "--rotate api_tokn: no manifest declares a secret Parameter named 'api_tokn'" in (
        refused.output
    )
    assert "reach" not in refused.output and "Traceback" not in refused.output
    assert acc.emu.snapshot().get("parameters", []) == []
    lone = acc.run("apply", acc.manifests, "--auto-approve", "--rotate", "api_token", env=nowhere)
    assert lone.exit_code == 1 and "cannot reach" in lone.output, lone.output


def test_a_literal_secret_value_is_a_validate_error(empty_account: Account) -> None:
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC.replace("${env:PARAM_TEST_TOKEN}", "literal"))
    result = acc.run("validate", acc.manifests)
    assert result.exit_code == 1
    assert "secret.yaml:7:10" in result.output and "${env:NAME}" in result.output


def test_names_are_checked_and_j1sync_records_are_reserved(empty_account: Account) -> None:
    acc = empty_account
    assert is_reserved_parameter(LOCK_NAME)
    acc.write("a.yaml", PLAIN.format(name="has-dash", value="1"))
    acc.write("b.yaml", PLAIN.format(name=LOCK_NAME, value="1"))
    result = acc.run("validate", acc.manifests)
    assert result.exit_code == 1
    assert "letters, digits and underscores" in result.output
    assert "j1sync's own records" in result.output


def test_unmanaged_parameters_are_untouched_unless_prune_is_enabled(
    empty_account: Account, tmp_path: Path
) -> None:
    acc = empty_account
    acc.emu.seed_objects(
        {
            "parameters": [
                {"name": "theirs", "value": "keep"},
                {"name": "their_secret", "value": "hidden", "secret": True},
            ]
        }
    )
    acc.write("mine.yaml", PLAIN.format(name="mine", value="1"))
    acc.write("secret.yaml", SECRET_DOC)
    apply(acc, env=ENV)  # takes and releases the apply lock, writes a fingerprint
    plan = plan_json(acc, env=ENV)
    unmanaged = {u["address"] for u in plan["unmanaged"] if u["kind"] == "Parameter"}
    assert unmanaged == {"Parameter/theirs", "Parameter/their_secret"}
    addresses = {c["address"] for c in plan["changes"]}
    assert not any(is_reserved_parameter(a.split("/", 1)[1]) for a in addresses | unmanaged)
    assert stored(acc)["theirs"]["value"] == "keep"

    (Path(acc.manifests) / "j1sync.yaml").write_text("prune:\n  Parameter: true\n")
    deleted = {c["address"] for c in plan_json(acc, env=ENV)["changes"] if c["action"] == "delete"}
    assert deleted == {"Parameter/theirs", "Parameter/their_secret"}
    apply(acc, env=ENV)
    assert set(stored(acc)) == {"mine", "api_token", fingerprint_name("api_token")}

    (Path(acc.manifests) / "secret.yaml").unlink()
    apply(acc, env=ENV)  # a deleted secret takes its fingerprint with it
    assert set(stored(acc)) == {"mine"}


def test_export_writes_secrets_as_env_references_and_round_trips(
    empty_account: Account, tmp_path: Path
) -> None:
    acc = empty_account
    acc.emu.seed_objects(
        {
            "parameters": [
                {"name": "region_list", "value": ["us", "eu", 3]},
                {"name": "hook_token", "value": "from-the-ui", "secret": True},
            ]
        }
    )
    out = tmp_path / "exported"
    result = acc.run("export", "--kind", "Parameter", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / "parameters" / "hook-token.yaml").read_text()
    assert "${env:J1_HOOK_TOKEN_VALUE}" in text and "from-the-ui" not in text
    assert LOCK_NAME not in "".join(p.name for p in out.rglob("*"))
    env = {"J1_HOOK_TOKEN_VALUE": "from-the-ui"}
    planned = acc.run("plan", str(out), "--format", "json", env=env)
    found = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    assert found["Parameter/region_list"]["action"] == "no-op"
    # j1sync cannot read a secret it did not write: the first apply writes it once
    assert found["Parameter/hook_token"]["changed_paths"] == ["value"]
    applied = acc.run("apply", str(out), "--auto-approve", env=env)
    assert applied.exit_code == 0, applied.output
    again = acc.run("plan", str(out), "--detailed-exitcode", env=env)
    assert again.exit_code == 0, again.output


QUESTION_WITH_PARAMETER = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q
spec:
  title: Uses a parameter
  queries:
    - name: query0
      query: FIND Application WITH loginUrl = ${ param.url }
"""


def test_a_query_may_name_a_parameter_a_manifest_declares(empty_account: Account) -> None:
    """The J1QL parameter check (providers/jupiterone/checks/query_checks.py) knows the
    kind's names: no account read is needed, and one apply creates the parameter with the
    question."""
    acc = empty_account
    acc.write("q.yaml", QUESTION_WITH_PARAMETER)
    missing = acc.run("plan", acc.manifests)
    assert missing.exit_code == 1 and "parameter 'url' is neither declared" in missing.output
    acc.write("url.yaml", PLAIN.format(name="url", value='"https://x.example"'))
    assert acc.run("validate", acc.manifests).exit_code == 0
    apply(acc)
    assert stored(acc)["url"]["value"] == "https://x.example"
    assert converged(acc)


def test_a_secret_whose_answer_is_lost_is_confirmed_by_its_record(empty_account: Account) -> None:
    """The re-read cannot show a secret's value; the fingerprint record j1sync wrote beside
    it can: a create whose record write lost its answer is confirmed, not written again."""
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    sets = acc.emu.stats.requests
    before = sets["setParameter"]
    apply(acc, env=ENV)
    clean = sets["setParameter"] - before  # the lock, the secret, its record
    other = SECRET_DOC.replace("name: api_token", "name: other_token")
    acc.write("other.yaml", other)
    acc.emu.switches.fail_mutation(
        "setParameter", match=fingerprint_name("other_token"), times=1, mode="lose_response"
    )
    before = sets["setParameter"]
    output = apply(acc, env=ENV)
    assert "created Parameter/other_token (confirmed by re-reading after" in output
    assert sets["setParameter"] - before == clean  # nothing written twice
    assert stored(acc)["other_token"]["value"] == SECRET
    assert converged(acc, ENV)


def test_a_secret_made_but_never_finished_says_so(empty_account: Account) -> None:
    """Every write of the secret commits and loses its answer: the create is found made,
    the update that would finish it runs out of rounds, and the message says that (not
    that the re-read failed)."""
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    acc.emu.switches.fail_mutation("setParameter", match='"name":"api_token"', mode="lose_response")
    result = acc.run("apply", acc.manifests, "--auto-approve", env=ENV)
    assert result.exit_code == 1, result.output
    assert "re-reading found it made, but finishing it failed" in result.output
    assert "re-reading it failed too" not in result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    acc.emu.switches.clear_failures()
    apply(acc, env=ENV)
    assert converged(acc, ENV)


def test_a_rotation_whose_write_failed_is_written_again_not_confirmed(
    empty_account: Account,
) -> None:
    """`--rotate`: the secret held its value before the write, so a re-read after an
    ambiguous failure (a 5xx: nothing committed) must not take that as the rotation done."""
    acc = empty_account
    acc.write("secret.yaml", SECRET_DOC)
    apply(acc, env=ENV)
    before = stored(acc)["api_token"]["lastUpdatedOn"]
    acc.emu.switches.fail_mutation("setParameter", match='"name":"api_token"', times=1, mode="5xx")
    output = apply(acc, "--rotate", "api_token", env=ENV)
    assert "updated Parameter/api_token (retried after re-reading" in output
    assert stored(acc)["api_token"]["lastUpdatedOn"] != before
    assert converged(acc, ENV)
