"""json_input.json_type: the one wording every JSON file reader uses for a value of
the wrong type (rule packs, .xypdf packages)."""

from __future__ import annotations

from typing import Any

import pytest

from j1sync.json_input import json_type


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ({}, "an object"),
        ([1], "a list"),
        ("x", "a string"),
        (True, "a boolean"),  # not "a number", though bool is an int
        (None, "null"),
        (3, "a number"),
        (2.5, "a number"),
    ],
)
def test_each_json_value_is_named_with_its_article(value: Any, said: str) -> None:
    assert json_type(value) == said


def test_rule_packs_and_xypdf_packages_use_the_shared_wording() -> None:
    from j1sync.providers.jupiterone.export import rule_pack
    from j1sync.providers.xyops import xypdf

    assert rule_pack.json_type is json_type
    assert xypdf.json_type is json_type
    assert not hasattr(rule_pack, "_json_type") and not hasattr(xypdf, "_json_type")
