"""Ctrl-C while a several-system apply reads the account under its locks, one target's
server slow to answer: apply read the targets at once and, interrupted, waited for every
read still on the wire (up to the request timeout, 30 s by default, against a server
that does not answer) before it released its locks and exited. Now the interrupt stops
the targets' reads at once (their requests cut); the locks are still released on every
target, nothing is changed, exit 130."""

from __future__ import annotations

import signal
from pathlib import Path

from j1sync.engine.lock import LOCK_NAME
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator.app import running_opencti_emulator
from tests.hostile.running import interrupt, question_count, wait_until
from tests.hostile.several_systems import OPENCTI_LABEL, QUESTION, documents
from tests.reliability.processes import start_j1sync

J1_KEY = "s18b-J1-Key-c41d7e08"
SLOW_S = 20  # each OpenCTI request of the account's read waits this long

MANIFESTS = documents(QUESTION, OPENCTI_LABEL)


def test_ctrl_c_while_reading_ends_at_once_and_releases_every_lock(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS, encoding="utf-8")
    with (
        running_emulator(db=":memory:", seed="none", api_key=J1_KEY) as j1,
        running_opencti_emulator() as oc,
    ):
        switched: list[int] = []

        def slow_reads() -> None:  # OpenCTI's lock is taken (written, read back)
            oc.switches.latency_ms = SLOW_S * 1000
            switched.append(oc.stats.total)

        oc.switches.after_field(
            "vocabularyAdd", lambda: oc.switches.after_field("vocabularies", slow_reads)
        )
        env = {
            "JUPITERONE_API_URL": j1.url,
            "JUPITERONE_API_KEY": J1_KEY,
            "JUPITERONE_ACCOUNT_ID": j1.account,
            "OPENCTI_URL": oc.url,
            "OPENCTI_TOKEN": oc.token,
        }
        apply = start_j1sync(["apply", "m.yaml", "--auto-approve"], env, tmp_path)
        wait_until(
            lambda: bool(switched) and oc.stats.total > switched[0],
            apply,
            "an OpenCTI read on the wire",
        )
        oc.switches.latency_ms = 0  # what comes next (the locks' release) is answered
        stdout, stderr, took = interrupt(apply, signal.SIGINT)
        output = stdout + stderr
        assert apply.returncode == 130, output
        assert "Interrupted." in stderr
        assert took < SLOW_S / 2, took  # before: the read on the wire was waited for
        assert "could not release the apply lock" not in output, output
        assert not [p for p in j1.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
        assert not [v for v in oc.snapshot().get("vocabularies", []) if LOCK_NAME in str(v)]
        assert question_count(j1) == 0
        assert "s18b-label" not in str(oc.snapshot()["labels"])
        for secret in (J1_KEY, oc.token):
            assert secret not in output
