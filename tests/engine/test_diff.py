from j1sync.engine.diff import diff_states, distance


def test_equal_states_have_no_changed_paths() -> None:
    state = {"name": "a", "tags": ["x"], "queries": [{"query": "Find Host"}]}
    assert diff_states(state, dict(state)) == []


def test_scalar_field_is_reported_by_name() -> None:
    assert diff_states({"pollingInterval": "ONE_DAY"}, {"pollingInterval": "ONE_HOUR"}) == [
        "pollingInterval"
    ]


def test_field_inside_a_list_of_objects_is_reported_with_its_index() -> None:
    before = {"queries": [{"name": "q0", "query": "Find A"}, {"name": "q1", "query": "Find B"}]}
    after = {"queries": [{"name": "q0", "query": "Find A"}, {"name": "q1", "query": "Find C"}]}
    assert diff_states(before, after) == ["queries[1].query"]


def test_nested_list_inside_list_item() -> None:
    before = {"operations": [{"when": {}, "actions": []}, {"when": {}, "actions": [{"a": 1}]}]}
    after = {"operations": [{"when": {}, "actions": []}, {"when": {}, "actions": [{"a": 2}]}]}
    assert diff_states(before, after) == ["operations[1].actions[0].a"]


def test_list_of_scalars_is_reported_as_the_list() -> None:
    before = {"tags": ["a", "b"], "members": ["x@e.com"]}
    after = {"tags": ["a", "c", "d"], "members": []}
    assert diff_states(before, after) == ["members", "tags"]


def test_nested_dict_keys_are_dotted() -> None:
    assert diff_states({"labels": {"env": "prod"}}, {"labels": {"env": "dev", "team": "x"}}) == [
        "labels.env",
        "labels.team",
    ]


def test_added_and_removed_keys_and_odd_key_names() -> None:
    before = {"old": 1, "labels": {"a b": "1"}}
    after = {"new": 2, "labels": {"a b": "2"}}
    assert diff_states(before, after) == ['labels["a b"]', "new", "old"]


def test_strings_compare_exactly() -> None:
    assert diff_states({"query": "Find A\r\n"}, {"query": "Find A\n"}) == ["query"]


def test_added_object_in_a_list_is_reported_by_index() -> None:
    before = {"queries": [{"q": 1}]}
    after = {"queries": [{"q": 1}, {"q": 2}]}
    assert diff_states(before, after) == ["queries[1]"]


def test_indices_sort_numerically() -> None:
    before = {"q": [{"v": i} for i in range(12)]}
    after = {"q": [{"v": i + 1 if i in (2, 10) else i} for i in range(12)]}
    assert diff_states(before, after) == ["q[2].v", "q[10].v"]


def test_distance_falls_with_every_item_added_or_removed_then_with_order() -> None:
    wanted = {"caps": ["d", "e", "f"], "marks": [{"type": "Report", "values": ["x"]}]}
    steps = [
        {"caps": ["a", "b", "c"], "marks": []},
        {"caps": ["b", "c"], "marks": []},  # one removed
        {"caps": ["b", "c", "d"], "marks": []},  # one added, beside a removal still due
        {"caps": ["d", "e", "f"], "marks": [{"type": "Report", "values": []}]},
        {"caps": ["f", "e", "d"], "marks": [{"type": "Report", "values": ["x"]}]},
    ]
    found = [distance(step, wanted) for step in steps]
    assert found == sorted(found, reverse=True)
    assert len(set(found)) == len(found)  # each step strictly closer
    assert found[-1][0] == 0 and found[-1][1] > 0  # the same items, in another order
    assert distance(wanted, wanted) == (0, 0)
    assert distance({"a": 1}, {"a": True}) != (0, 0)  # types respected, as in diff_states
