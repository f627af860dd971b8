import pytest

from j1sync.engine.paths import format_path, get_path, parse_path, set_path


@pytest.mark.parametrize(
    "parts",
    [["a"], ["queries", 0, "query"], ["labels", "a b"], ["x", 'we"ird', 3], ["tags"]],
)
def test_format_then_parse_round_trips(parts: list[str | int]) -> None:
    assert parse_path(format_path(parts)) == parts


def test_get_and_set_path() -> None:
    state = {"ops": [{"actions": [{"headers": {"Authorization": "x"}}]}]}
    path = "ops[0].actions[0].headers.Authorization"
    assert get_path(state, path) == "x"
    set_path(state, path, "y")
    assert state["ops"][0]["actions"][0]["headers"]["Authorization"] == "y"
    assert get_path(state, "ops[3].actions", "missing") == "missing"


def test_bad_path_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_path("a..b")
