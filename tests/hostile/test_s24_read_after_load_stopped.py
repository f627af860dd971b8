"""A kind the quick scan of the files does not find (a flow-style document: its `kind:`
is not at the start of a line) is read only once the manifests have loaded, by a read
of its own. When another target's read had failed for good meanwhile (xyOps refused the
key), that late read went on regardless: against a JupiterOne server that never answers
it waited its whole timeout before the run said the xyOps error (the read that failed
stopped only the reads started with it, providers/targets.py). Seen as a flaky
test_s18b_one_target_fails on a fresh-clone CI run, 21 s for a run that should end at
once; the load made slow here makes it happen every time. Now every read of the plan
stops once one of the kinds it needs has failed (reconcile._Reads.parts)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.loopback import never_answering_server
from tests.hostile.running import timed_j1sync
from tests.hostile.several_systems import J1_KEY, XY_KEY, running_systems
from tests.hostile.several_systems import systems_env as _env

WRONG = "s24-Wrong-Key-0b7e15"
SLOW_S = 20  # each request to the silent server waits this long: far longer than the run may
TAGS = 3000  # enough documents that the load ends well after xyOps refused the key

GROUP = (
    "{apiVersion: j1sync/v1, kind: IamGroup, metadata: {name: s24-auditors}, "
    "spec: {description: Read-only auditors, abacPermissions: [readGraph]}}\n"
)


def _tags() -> str:
    return "".join(
        f"---\napiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: s24_tag_{i}\n"
        f"spec:\n  title: Tag {i}\n"
        for i in range(TAGS)
    )


def test_a_read_started_after_the_load_stops_when_another_target_failed(tmp_path: Path) -> None:
    root = tmp_path / "m"
    (root / "jupiterone").mkdir(parents=True)
    (root / "xyops").mkdir()
    (root / "jupiterone" / "group.yaml").write_text(GROUP, encoding="utf-8")
    (root / "xyops" / "tags.yaml").write_text(_tags(), encoding="utf-8")
    with running_systems() as (j1, xy, oc), never_answering_server() as (silent, accepted):
        env = _env(j1, xy, oc, XYOPS_API_KEY=WRONG, JUPITERONE_API_URL=silent)
        args = ["plan", str(root), "--timeout", str(SLOW_S)]
        done, took = timed_j1sync(args, env, tmp_path)
        connections = len(accepted)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: xyOps API (get_multiple): Invalid API Key [session]: check XYOPS_API_KEY "
        "and the key's privileges"
    ], output
    assert connections, "j1sync never reached the silent JupiterOne server: proves nothing"
    assert took < SLOW_S / 2, (took, output)
    for secret in (WRONG, J1_KEY, XY_KEY, oc.token):
        assert secret not in output
