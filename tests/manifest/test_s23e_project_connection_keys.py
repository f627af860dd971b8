"""j1sync.yaml's connection keys are checked by `validate`, at their line, as the client
that connects checks them. `region: US`, `account: "a b"`, an xyOps or OpenCTI `url`
that is no https base URL (`notaurl`, credentials in it, the /graphql j1sync appends)
passed `validate` ("1 manifest valid") and stopped plan, apply and drift with a line that
named neither j1sync.yaml nor where in it: validate and plan gave two verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

CASES = [
    ("region: US\n", "j1sync.yaml:2:9: j1sync.yaml: region: Invalid JupiterOne region 'US'"),
    ('account: "a b"\n', "j1sync.yaml:2:10: j1sync.yaml: account: The account id"),
    (
        "xyops:\n  url: notaurl\n",
        "j1sync.yaml:3:8: j1sync.yaml: xyops.url: Invalid API URL 'notaurl': expected "
        "https://host[:port].",
    ),
    (
        "xyops:\n  url: https://u:pw@xyops.example.com\n",
        "j1sync.yaml:3:8: j1sync.yaml: xyops.url: Invalid API URL: credentials in the URL "
        "are not allowed.",
    ),
    (
        "opencti:\n  url: https://cti.example.com/graphql\n",
        "j1sync.yaml:3:8: j1sync.yaml: opencti.url: Invalid API URL "
        "'https://cti.example.com/graphql': give the base URL, without /graphql",
    ),
    (
        "opencti:\n  url: http://cti.example.com\n",
        "j1sync.yaml:3:8: j1sync.yaml: opencti.url: Refusing plain http:// to cti.example.com",
    ),
]


@pytest.mark.parametrize(("setting", "problem"), CASES)
def test_validate_and_plan_refuse_it_at_its_line(
    tmp_path: Path, setting: str, problem: str
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n" + setting)
    validated = j1sync_here(["validate"], {}, tmp_path)
    assert validated.returncode == 1, validated.stdout
    assert validated.stderr.splitlines()[0].startswith(problem), validated.stderr
    env = {
        "JUPITERONE_API_KEY": "k" * 16,
        "JUPITERONE_ACCOUNT_ID": "acct",
        "JUPITERONE_API_URL": "http://127.0.0.1:9",  # never reached
        "XYOPS_API_KEY": "x" * 16,
        "OPENCTI_TOKEN": "o" * 16,
    }
    planned = j1sync_here(["plan"], env, tmp_path)
    assert planned.returncode == 1
    assert problem in planned.stderr, planned.stderr


@pytest.mark.parametrize(
    "setting",
    [
        "region: eu\naccount: j1-account-id\n",
        "xyops:\n  url: https://xyops.example.com\n",
        "xyops:\n  url: http://127.0.0.1:5522\n",
        "opencti:\n  url: https://cti.example.com/\n",
        "opencti:\n  url: https://example.com/opencti\n",
    ],
)
def test_good_ones_still_pass(tmp_path: Path, setting: str) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n" + setting)
    validated = j1sync_here(["validate"], {}, tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout == "1 manifest valid: 1 Question\n"


@pytest.mark.parametrize("section", ["jupiterone", "JupiterOne"])
def test_a_jupiterone_section_says_where_its_keys_go(tmp_path: Path, section: str) -> None:
    """`jupiterone:` written as `xyops:` is was 'unknown field; allowed: account,
    managedTag, opencti, paths, ...': it did not say that JupiterOne's settings are the
    top-level ones."""
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text(f"paths: [manifests]\n{section}:\n  managedTag: x\n")
    done = j1sync_here(["validate"], {}, tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"j1sync.yaml:2:1: j1sync.yaml: {section}: JupiterOne's settings are the top-level "
        "keys of j1sync.yaml (managedTag, account, region, prune, safety), not a section of "
        "their own"
    )
