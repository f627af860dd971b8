"""http/client.retry_after_seconds: the one Retry-After parser, for ApiClient's retry wait
(xyOps, OpenCTI) and JupiterOne's server quota (server_quota.QuotaReading): delay-seconds
or an HTTP-date (RFC 9110; a date past is 0), None when it is neither (a negative, NaN or
infinite delay among them). GitHub's client takes it too (github/client._retry_after)."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from j1sync.http.client import retry_after, retry_after_seconds
from j1sync.providers.jupiterone.server_quota import QuotaReading


def test_delay_seconds_and_a_past_delay() -> None:
    assert retry_after_seconds("2.5") == 2.5
    assert retry_after_seconds("0") == 0.0
    assert retry_after({"retry-after": "7"}) == 7.0
    assert retry_after({"Retry-After": "7"}) == 7.0


def test_an_http_date_is_the_seconds_until_then() -> None:
    later = formatdate(time.time() + 30, usegmt=True)
    seconds = retry_after_seconds(later)
    assert seconds is not None and 25 <= seconds <= 31
    assert retry_after({"Retry-After": later}) == pytest.approx(seconds, abs=2)
    assert retry_after_seconds(formatdate(time.time() - 60, usegmt=True)) == 0.0


@pytest.mark.parametrize(
    "text", [None, "", "soon", "Mon, 99 Foo 2026", "-3", "nan", "NaN", "inf", "-inf", "1e400"]
)
def test_neither_is_none(text: str | None) -> None:
    assert retry_after_seconds(text) is None
    assert retry_after({} if text is None else {"Retry-After": text}) is None


def test_jupiterones_quota_reading_takes_the_same_retry_after() -> None:
    later = formatdate(time.time() + 30, usegmt=True)
    headers = {"RateLimit-Limit": "1000", "RateLimit-Remaining": "0", "Retry-After": later}
    reading = QuotaReading.of(headers)
    assert reading is not None and reading.retry_after_s is not None
    assert 25 <= reading.retry_after_s <= 31
    numeric = QuotaReading.of({**headers, "Retry-After": "4"})
    assert numeric is not None and numeric.retry_after_s == 4.0
