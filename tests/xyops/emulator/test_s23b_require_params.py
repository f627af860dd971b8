"""The emulator holds every create and update to what xyOps 1.0.88's lib/api.js
requireParams does beside each call's own rules: a reserved word as id refused (pixl-tools
2.0.3 MATCH_BAD_KEY), an icon of other characters than letters, digits, '_' and '-'
refused, and HTML tags taken out of notes and message (the rest kept)."""

from __future__ import annotations

import pytest

from tests.xyops.emulator.conftest import Api


@pytest.mark.parametrize("name", ["constructor", "__proto__", "0", "tostring_0"])
def test_a_reserved_word_is_refused_as_an_id(api: Api, name: str) -> None:
    response = api.post("create_tag", {"id": name, "title": "T"})
    if name == "tostring_0":  # lower case and not the word itself: an id like any
        assert response.json()["code"] == 0
        return
    assert response.status_code == 400
    assert response.json() == {
        "code": "api",
        "description": f"Invalid ID parameter: {name} (reserved word)",
    }
    for call in ("get_tag", "delete_tag", "update_tag"):
        refused = api.post(call, {"id": name, "title": "T"})
        assert refused.status_code == 400, call
        assert "(reserved word)" in refused.json()["description"]


def test_an_icon_must_be_material_design_characters(api: Api) -> None:
    refused = api.post("create_tag", {"id": "t1", "title": "T", "icon": "database sync"})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "api",
        "description": "Malformed icon parameter: Contains illegal characters",
    }
    api.ok("create_tag", {"id": "t1", "title": "T", "icon": "database-sync"})
    refused = api.post("update_tag", {"id": "t1", "icon": "<b>"})
    assert refused.status_code == 400
    assert api.ok("get_tag", {"id": "t1"})["tag"]["icon"] == "database-sync"


def test_html_tags_are_taken_out_of_notes_and_message(api: Api) -> None:
    created = api.ok("create_tag", {"id": "t1", "title": "T", "notes": "a <b>bold</b> c"})
    assert created["tag"]["notes"] == "a bold c"
    api.ok("update_tag", {"id": "t1", "notes": "x <y> z > 1"})
    assert api.ok("get_tag", {"id": "t1"})["tag"]["notes"] == "x  z > 1"
    alert = {
        "id": "a1",
        "title": "A",
        "expression": "monitors.load_avg > 9",
        "message": "Load < 1 or > 9",
    }
    assert api.ok("create_alert", alert)["alert"]["message"] == "Load  9"
