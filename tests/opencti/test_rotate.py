"""`apply --rotate NAME` on a run with no secret to rotate (OpenCTI only) is refused before
anything changes, instead of being silently ignored (a misspelt or misplaced rotation
would otherwise look done)."""

from __future__ import annotations

from tests.opencti.helpers import Platform

LABEL = """\
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
"""


def test_rotate_without_a_secret_kind_is_refused(platform: Platform) -> None:
    platform.write("m/labels.yaml", LABEL)
    result = platform.run("apply", "m", "--rotate", "db-password", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "--rotate db-password: no system of this run has secrets to write again" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert not [o for o in platform.stored("labels") if o.get("value") == "phishing"]
    applied = platform.run("apply", "m", "--auto-approve")  # no lock left behind
    assert applied.exit_code == 0, applied.output
    assert [o for o in platform.stored("labels") if o.get("value") == "phishing"]
