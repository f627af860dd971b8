"""NaN or infinity as a number of seconds (J1SYNC_RETRY_BUDGET, --retry-budget,
--lock-timeout, J1SYNC_BACKOFF_*, a rate limit's window) or a probability is a usage
error naming the setting.
`float()` reads "nan" and click's FloatRange let it through its bounds: a retry budget of
NaN kept retrying a failing API for ever, a NaN backoff retried without waiting, a window of
infinity was an internal error (a division by zero)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION
from tests.reliability.processes import run_j1sync

KEY, ACCOUNT = "k-numbers-1", "acct-numbers"


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (["plan", "."], {"J1SYNC_RETRY_BUDGET": "nan"}, "'--retry-budget'"),
        (["drift", "."], {"J1SYNC_RETRY_BUDGET": "inf"}, "'--retry-budget'"),
        (["plan", ".", "--retry-budget", "NaN"], {}, "'--retry-budget'"),
        (["apply", ".", "--auto-approve", "--lock-timeout", "nan"], {}, "'--lock-timeout'"),
        (["apply", ".", "--auto-approve"], {"J1SYNC_LOCK_TIMEOUT": "-inf"}, "'--lock-timeout'"),
        (["plan", "."], {"J1SYNC_BACKOFF_INITIAL_S": "nan"}, "J1SYNC_BACKOFF_INITIAL_S must be"),
        (["plan", "."], {"J1SYNC_BACKOFF_MAX_S": "inf"}, "J1SYNC_BACKOFF_MAX_S must be"),
        (["plan", "."], {"J1SYNC_RATE_LIMIT": "1/inf"}, "Invalid rate limit '1/inf'"),
        (["plan", ".", "--rate-limit", "5/Infinity"], {}, "Invalid rate limit '5/Infinity'"),
    ],
)
def test_a_non_finite_number_is_refused_before_any_retrying(
    tmp_path: Path, args: list[str], settings: dict[str, str], message: str
) -> None:
    (tmp_path / "users.yaml").write_text(QUESTION, encoding="utf-8")
    with running_emulator(seed="demo", api_key=KEY, account=ACCOUNT, fail_rate=1.0) as emulator:
        env = {
            "JUPITERONE_API_URL": emulator.url,
            "JUPITERONE_API_KEY": KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "J1SYNC_RETRY_BUDGET": "2",
            **settings,
        }
        started = time.monotonic()
        result = j1sync_here(args, env, tmp_path)
        elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert "retrying" not in result.stderr  # refused before the first request
    assert "Traceback" not in result.stderr
    assert elapsed < 20


def test_the_emulators_probabilities_refuse_nan(tmp_path: Path) -> None:
    result = run_j1sync(
        ["emulator", "serve", "--port", "0", "--db", str(tmp_path / "e.db"), "--fail-rate", "nan"],
        {},
        tmp_path,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Invalid value for '--fail-rate': 'nan' is not a finite number." in result.stderr
