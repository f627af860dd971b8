"""canonical_json writes exactly what json.dumps writes with the canonical options (its
encoders are made once), from any thread."""

from __future__ import annotations

import datetime
import json
import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from j1sync.canonical import canonical_json

VALUES: list[Any] = [
    {"b": [1, 1.0, True, None], "a": {"z": "é ☃", "y": "\u2028"}, "": []},
    "plain",
    17,
    [{"k": datetime.date(2026, 11, 30)}, -2],
    {"nan": math.nan, "inf": math.inf},
]


def _dumps(value: Any, allow_nan: bool = True) -> str:
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=allow_nan,
        default=str,
    )


@pytest.mark.parametrize("value", VALUES)
def test_the_text_json_dumps_writes(value: Any) -> None:
    assert canonical_json(value) == _dumps(value)


def test_nan_refused_when_asked() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": math.nan}, allow_nan=False)
    assert canonical_json({"x": 1.5}, allow_nan=False) == '{"x":1.5}'


def test_threads_get_the_same_texts() -> None:
    states = [
        {"n": n, "tags": [str(n)] * (n % 5), "nested": {"b": n, "a": -n}} for n in range(2000)
    ]
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(canonical_json, states))
    assert texts == [_dumps(state) for state in states]
