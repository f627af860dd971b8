"""A value from `${env:NAME}` is sensitive in every output, errors included. A problem the
loader found quoted it as it was resolved: `duplicate query name 'Supersecret...'`, `no
Question manifest named 'Supersecret...'`, on stderr and, under GitHub Actions, in the
`::error` annotations a pull request shows. The plan's masking remembered the values for
redaction only once it was made, after the manifests had loaded; now the loader
remembers them as it resolves them."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import j1sync_here

SECRET = "Supersecret123xyz"

MANIFESTS = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: T
  queries:
    - name: "${env:S23E_VALUE}"
      query: Find User
    - name: "${env:S23E_VALUE}"
      query: Find Host
---
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r1
spec:
  questionRef: "x-${env:S23E_VALUE}"
  operations: []
"""


def test_validate_never_shows_the_value(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    env = {"S23E_VALUE": SECRET, "GITHUB_ACTIONS": "true"}
    done = j1sync_here(["validate", "m.yaml"], env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "m.yaml:10:13: Question/q1: spec.queries[1].name: duplicate query name" in done.stderr
    assert "m.yaml:18:16: AlertRule/r1: spec.questionRef: no Question manifest" in done.stderr
    assert "::error file=m.yaml,line=10,col=13::" in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_nor_does_plan(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    with running_emulator(seed=BASE_SEED) as emu:
        env = {
            "JUPITERONE_API_KEY": emu.api_key,
            "JUPITERONE_ACCOUNT_ID": emu.account,
            "JUPITERONE_API_URL": emu.url,
            "S23E_VALUE": SECRET,
        }
        done = j1sync_here(["plan", "m.yaml"], env, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "spec.queries[1].name: duplicate query name" in done.stderr
    assert "spec.questionRef: no Question manifest" in done.stderr
    assert SECRET not in done.stdout + done.stderr


def test_the_places_stay_readable(tmp_path: Path) -> None:
    """The value is taken out of what a problem says, not out of where it is: with
    STAGE=prod, `manifests/prod/q.yaml` and `Question/prod-users` are shown as they are
    (a name is shown as it is), on stderr and in the annotations."""
    (tmp_path / "manifests" / "prod").mkdir(parents=True)
    (tmp_path / "manifests" / "prod" / "q.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: prod-users\nspec:\n"
        '  title: "Users of ${env:S23E_STAGE}"\n  titel: x\n'
        "  queries:\n    - name: a\n      query: Find User\n"
    )
    env = {"S23E_STAGE": "prod", "GITHUB_ACTIONS": "true"}
    done = j1sync_here(["validate", "manifests"], env, tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "manifests/prod/q.yaml:7:3: Question/prod-users: spec.titel: unknown field 'titel'; "
        "did you mean 'title'?"
    )
    assert done.stdout.startswith("::error file=manifests/prod/q.yaml,line=7,col=3::")
    assert "(sensitive)" not in done.stdout + done.stderr
