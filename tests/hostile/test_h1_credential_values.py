"""An API key or token that cannot go in an HTTP header (a trailing newline from a pasted
secret, a space, a non-ASCII or control character) is one clear error naming the variable
and the position, for every system and command, never an internal error, and the key's
value never appears in the output (the HTTP library's own error quoted the header)."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.engine.sensitive import REDACTED, redact_key
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION

KEY = "k9SecretKey42"
XYOPS_TAG = (
    "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: prod\nspec:\n  title: Prod\n"
)
OPENCTI_LABEL = (
    "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: tlp\n"
    "spec:\n  color: '#ff0000'\n"
)

BAD_VALUES = [
    (f"{KEY}\n", "a line break at character 14 of 14"),
    (f"{KEY}\nX-Injected: 1", "a line break at character 14 of 27"),
    (f" {KEY}", "a space or another blank at character 1 of 14"),
    (f"{KEY}\u2713", "a character that is not ASCII at character 14 of 14"),
    (f"{KEY}\x01", "a control character at character 14 of 14"),
]


@pytest.mark.parametrize(("value", "problem"), BAD_VALUES)
def test_a_jupiterone_key_that_cannot_be_a_header_is_one_error(
    tmp_path: Path, value: str, problem: str
) -> None:
    (tmp_path / "users.yaml").write_text(QUESTION, encoding="utf-8")
    env = {
        "JUPITERONE_API_URL": "http://127.0.0.1:18641",  # never reached: refused before
        "JUPITERONE_API_KEY": value,
        "JUPITERONE_ACCOUNT_ID": "acct",
    }
    for command in (["plan", "."], ["apply", ".", "--auto-approve"], ["export", "--out", "x"]):
        result = j1sync_here(command, env, tmp_path)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert f"JUPITERONE_API_KEY holds {problem}" in result.stderr, output
        assert "internal error" not in output
        assert KEY not in output


@pytest.mark.parametrize(
    ("manifest", "variables", "variable"),
    [
        (XYOPS_TAG, {"XYOPS_URL": "http://127.0.0.1:18642"}, "XYOPS_API_KEY"),
        (OPENCTI_LABEL, {"OPENCTI_URL": "http://127.0.0.1:18643"}, "OPENCTI_TOKEN"),
    ],
)
def test_the_other_systems_credentials_are_checked_alike(
    tmp_path: Path, manifest: str, variables: dict[str, str], variable: str
) -> None:
    (tmp_path / "object.yaml").write_text(manifest, encoding="utf-8")
    env = {**variables, variable: f"{KEY}\n"}
    result = j1sync_here(["plan", "."], env, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{variable} holds a line break at character 14 of 14" in output
    assert "internal error" not in output
    assert KEY not in output


def test_a_key_is_redacted_also_as_an_error_message_quotes_it() -> None:
    key = f"{KEY}\nX"
    text = f"bad header value: {key!r} and raw {key}"
    redacted = redact_key(text, key)
    assert KEY not in redacted
    assert redacted.count(REDACTED) == 2


@pytest.mark.parametrize(
    ("account", "problem"),
    [("acct\u2713", "a character that is not ASCII at character 5 of 5"),
     ("acct\n", "a line break at character 5 of 5")],
)  # fmt: skip
def test_an_account_id_that_cannot_be_a_header_is_one_error(
    tmp_path: Path, account: str, problem: str
) -> None:
    """It goes in the JupiterOne-Account header: one that is not Latin-1 was an internal
    error (UnicodeEncodeError), one with a line break the HTTP library's."""
    (tmp_path / "users.yaml").write_text(QUESTION, encoding="utf-8")
    env = {
        "JUPITERONE_API_URL": "http://127.0.0.1:18641",  # never reached: refused before
        "JUPITERONE_API_KEY": KEY,
        "JUPITERONE_ACCOUNT_ID": account,
    }
    result = j1sync_here(["plan", "."], env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"JUPITERONE_ACCOUNT_ID, --account or `account:` in j1sync.yaml) holds {problem}" in (
        result.stderr
    )
    assert "internal error" not in result.stderr
