"""xyOps refuses an action or limit without the fields its type needs (1.0.88 lib/api.js
requireValidActions, requireValidLimits): an email action's `users` list, a channel
action's `channel_id`, a time limit's `duration`, a job limit's `amount`... j1sync's
models took any action or limit with a type, and the emulator too, so plan passed and
apply against xyOps created what came first and stopped. Now each is a manifest error at
its item, before any request, and the emulator refuses them in xyOps's words."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: u2_first
spec:
  title: Comes first, must not be created
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: u2_category
spec:
  title: C
  actions:
    - {condition: error, type: email, email: ops@example.com}
    - {condition: error, type: channel}
    - {condition: error, type: tag, tags: []}
  limits:
    - {type: time}
    - {type: job, amount: 0}
"""


def test_an_item_without_what_its_type_needs_is_refused_before_any_request(
    xyops_server: XyOpsEmulator,
) -> None:
    Path("m.yaml").write_text(MANIFESTS, encoding="utf-8")
    before = xyops_server.snapshot()
    result = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert result.exit_code == 1, result.output
    for line in [
        "m.yaml:15:7: xyops.Category/u2_category: spec.actions[0]: the email action needs "
        "`users`: a list",
        "m.yaml:16:7: xyops.Category/u2_category: spec.actions[1]: the channel action needs "
        "`channel_id`: an id (letters, digits, underscores)",
        "m.yaml:17:37: xyops.Category/u2_category: spec.actions[2].tags: the tag action needs "
        "`tags`: a list of at least one",
        "m.yaml:19:7: xyops.Category/u2_category: spec.limits[0]: the time limit needs "
        "`duration`: a number other than 0",
        "m.yaml:20:27: xyops.Category/u2_category: spec.limits[1].amount: the job limit needs "
        "`amount`: a number other than 0",
    ]:
        assert line in result.stderr, result.stderr
    assert xyops_server.snapshot() == before

    fixed = (
        MANIFESTS.replace("email: ops@example.com}", "email: ops@example.com, users: []}")
        .replace("type: channel}", "type: channel, channel_id: sev1}")
        .replace("tags: []", "tags: [u2_first]")
        .replace("{type: time}", "{type: time, duration: 60}")
        .replace("amount: 0", "amount: 2")
    )
    Path("m.yaml").write_text(fixed, encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run(xyops_server, "plan", "m.yaml", "--detailed-exitcode").exit_code == 0


def test_the_emulator_refuses_them_as_xyops_does(xyops_server: XyOpsEmulator) -> None:
    for body, said in [
        (
            {"actions": [{"enabled": True, "condition": "error", "type": "email", "email": "a"}]},
            "Malformed action entry #1: Invalid user list.",
        ),
        (
            {"actions": [{"enabled": True, "condition": "error", "type": "web_hook"}]},
            "Malformed action entry #1: Invalid Web Hook ID.",
        ),
        (
            {"limits": [{"enabled": True, "type": "time"}]},
            "Malformed limit entry #1: Invalid time timit (not a number)",
        ),
    ]:
        refused = call(xyops_server, "create_category", {"id": "u2_c", "title": "C", **body})
        assert refused == {"code": "api", "description": said}
