"""The OpenCTI sharing kinds (TaxiiCollection, StreamCollection, Feed) and the platform
Settings through the command line against the emulator: create, one field one path, apply
then plan nothing, export then plan nothing, drift healed, filters compared as data, two
live objects with one name refused, a feed edit keeping its authorized members, settings
unmanaged without a manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from j1sync.providers.opencti.emulator.seed import SETTINGS
from tests.opencti.helpers import Platform, document
from tests.opencti.sharing_manifests import (
    FILTERS,
    sharing_documents,
    spec_of,
    workflow,
    write_documents,
)

MARKER = "managed-by: j1sync"


def _plan_json(platform: Platform, folder: str) -> dict[str, Any]:
    planned = platform.run("plan", folder, "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan: dict[str, Any] = json.loads(planned.stdout)
    return plan


def _empty_plan(platform: Platform, folder: str) -> None:
    again = platform.run("plan", folder, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout


def test_apply_creates_every_kind_then_plan_is_empty(platform: Platform) -> None:
    folder = write_documents(platform, sharing_documents())
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "Plan: 4 to create, 2 to update, 0 to delete" in planned.stdout
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "4 created, 2 updated" in applied.stdout

    assert platform.one("status_templates", name="TRIAGE")["color"] == "#123456"
    assert [name for _, name, _ in workflow(platform, "Report")] == ["NEW", "TRIAGE", "ANALYZED"]
    taxii = platform.one("taxii_collections", name="Reports")
    assert taxii["description"] == f"Every report.\n\n{MARKER}"
    assert json.loads(taxii["filters"]) == FILTERS  # sent as JSON text, defaults filled
    assert (taxii["taxii_public"], taxii["include_inferences"]) == (False, False)
    stream = platform.one("stream_collections", name="Live")
    assert (stream["stream_live"], stream["stream_public"], stream["description"]) == (
        True,
        False,
        MARKER,
    )
    feed = platform.one("feeds", name="Indicators")
    assert (feed["separator"], feed["rolling_time"], feed["include_header"]) == (";", 60, True)
    assert feed["feed_attributes"] == [
        {"attribute": "value", "mappings": [{"type": "Indicator", "attribute": "name"}]}
    ]
    settings = platform.stored("settings")[0]
    assert settings["platform_title"] == "Our CTI"
    assert settings["platform_email"] == SETTINGS["platform_email"]  # not written: left alone

    _empty_plan(platform, folder)
    assert platform.run("drift", folder).exit_code == 0


# (kind, name, spec field, new value, the path the plan shows)
FIELD_CHANGES: list[tuple[str, str, str, Any, str]] = [
    ("StatusTemplate", "TRIAGE", "color", "#654321", "color"),
    ("Workflow", "Report", "statuses", ["NEW", "ANALYZED", "TRIAGE"], "statuses"),
    ("TaxiiCollection", "Reports", "description", "Reports only.", "description"),
    ("TaxiiCollection", "Reports", "filters", {"mode": "or"}, "filters.mode"),
    ("TaxiiCollection", "Reports", "include_inferences", True, "include_inferences"),
    ("TaxiiCollection", "Reports", "score_to_confidence", True, "score_to_confidence"),
    ("TaxiiCollection", "Reports", "taxii_public", True, "taxii_public"),
    ("StreamCollection", "Live", "description", "The live one.", "description"),
    (
        "StreamCollection",
        "Live",
        "filters",
        {"filters": [{"key": "x", "values": [1]}]},
        "filters.filters[0]",
    ),
    ("StreamCollection", "Live", "stream_live", False, "stream_live"),
    ("StreamCollection", "Live", "stream_public", True, "stream_public"),
    ("Feed", "Indicators", "description", "Indicator values.", "description"),
    ("Feed", "Indicators", "separator", ",", "separator"),
    ("Feed", "Indicators", "feed_date_attribute", "updated_at", "feed_date_attribute"),
    ("Feed", "Indicators", "rolling_time", 120, "rolling_time"),
    ("Feed", "Indicators", "include_header", False, "include_header"),
    (
        "Feed",
        "Indicators",
        "feed_attributes",
        [{"attribute": "value", "mappings": [{"type": "Indicator", "attribute": "value"}]}],
        "feed_attributes[0].mappings[0].attribute",
    ),
    # a feed type comes with its mapping in every column (OpenCTI refuses it otherwise)
    ("Feed", "Indicators", "feed_types", ["Indicator", "Report"], "feed_types"),
    ("Feed", "Indicators", "feed_public", True, "feed_public"),
    ("Settings", "platform", "platform_title", "CTI", "platform_title"),
    ("Settings", "platform", "platform_email", "cti@example.com", "platform_email"),
    ("Settings", "platform", "platform_language", "fr-fr", "platform_language"),
    ("Settings", "platform", "platform_favicon", "https://x.example/f.ico", "platform_favicon"),
    ("Settings", "platform", "platform_login_message", "Hello", "platform_login_message"),
    ("Settings", "platform", "platform_consent_message", "Agree?", "platform_consent_message"),
    (
        "Settings",
        "platform",
        "platform_consent_confirm_text",
        "Yes",
        "platform_consent_confirm_text",
    ),
    ("Settings", "platform", "platform_banner_text", "TEST", "platform_banner_text"),
    ("Settings", "platform", "platform_banner_level", "RED", "platform_banner_level"),
    ("Settings", "platform", "platform_whitemark", True, "platform_whitemark"),
]


def test_each_field_changes_exactly_its_path(platform: Platform) -> None:
    documents = sharing_documents()
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    for kind, name, field, value, path in FIELD_CHANGES:
        spec = spec_of(documents, kind, name)
        paths = [path]
        if field == "filters":
            spec[field] = {**(spec.get(field) or {}), **value}
        else:
            spec[field] = value
        if field == "feed_types":
            spec["feed_attributes"][0]["mappings"].append({"type": "Report", "attribute": "name"})
            paths = ["feed_attributes[0].mappings[1]", path]
        write_documents(platform, documents)
        plan = _plan_json(platform, folder)
        changed = [c for c in plan["changes"] if c["action"] != "no-op"]
        assert [(c["address"], c["action"]) for c in changed] == [
            (f"opencti.{kind}/{name}", "update")
        ], (field, changed)
        assert changed[0]["changed_paths"] == paths, field
        applied = platform.run("apply", folder, "--auto-approve")
        assert applied.exit_code == 0, (field, applied.output)
        _empty_plan(platform, folder)
    feed = platform.one("feeds", name="Indicators")
    assert (feed["separator"], feed["rolling_time"], feed["feed_public"]) == (",", 120, True)
    assert sorted(feed["feed_types"]) == ["Indicator", "Report"]
    assert platform.stored("settings")[0]["platform_whitemark"] is True


def test_export_then_plan_is_empty(platform: Platform) -> None:
    folder = write_documents(platform, sharing_documents())
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    exported = platform.run("export", "--system", "opencti", "--out", "exported")
    assert exported.exit_code == 0, exported.output
    assert Path("exported/settings/platform.yaml").is_file()  # not settingss/
    assert Path("exported/workflows/report.yaml").is_file()
    texts = {p.name: p.read_text() for p in Path("exported").rglob("*.yaml")}
    assert MARKER not in "".join(texts.values())
    joined = "".join(texts.values())
    assert "name: Grouping" not in joined  # a type without a workflow is not exported
    assert "name: NEW" not in joined  # built-in status templates are not exported
    [taxii] = [yaml.safe_load(t.split("\n", 1)[1]) for n, t in texts.items() if "reports" in n]
    # filters without their defaults (docs/opencti.md "Export")
    written = {"filters": [{"key": ["entity_type"], "values": ["Report"]}]}
    assert taxii["spec"] == {"description": "Every report.", "filters": written}
    platform.write("j1sync.yaml", "paths: [exported]\n")
    _empty_plan(platform, "exported")


def test_drift_is_seen_and_healed(platform: Platform) -> None:
    folder = write_documents(platform, sharing_documents())
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    taxii = platform.one("taxii_collections", name="Reports")
    other = json.dumps({"mode": "and", "filters": [{"key": ["entity_type"], "values": ["Note"]}]})
    api = platform.emu.api
    api.field_patch("TaxiiCollection", taxii["id"], [{"key": "filters", "value": [other]}])
    settings = platform.stored("settings")[0]
    api.field_patch("Settings", settings["id"], [{"key": "platform_title", "value": ["Hand"]}])
    drifted = platform.run("drift", folder)
    assert drifted.exit_code != 0
    assert "opencti.TaxiiCollection/Reports" in drifted.stdout
    assert "opencti.Settings/platform" in drifted.stdout
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    taxii = platform.one("taxii_collections", name="Reports")
    assert json.loads(taxii["filters"]) == FILTERS
    assert platform.stored("settings")[0]["platform_title"] == "Our CTI"
    _empty_plan(platform, folder)


def test_filters_are_compared_as_data(platform: Platform) -> None:
    folder = write_documents(platform, sharing_documents())
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    taxii = platform.one("taxii_collections", name="Reports")
    # the same FilterGroup written otherwise: keys reordered, spaces, one key unlisted,
    # defaults left out
    same = '{ "filters": [ {"values": ["Report"], "key": "entity_type"} ], "mode": "and" }'
    platform.emu.api.field_patch(
        "TaxiiCollection", taxii["id"], [{"key": "filters", "value": [same]}]
    )
    _empty_plan(platform, folder)


# what the API says every feed has (a collection has no such fields: ignored there)
FEED_FIELDS: dict[str, Any] = {
    "separator": ";",
    "rolling_time": 60,
    "include_header": True,
    "feed_types": ["Indicator"],
    "feed_attributes": [],
}


@pytest.mark.parametrize(
    ("kind", "collection", "spec"),
    [
        ("TaxiiCollection", "TaxiiCollection", {"description": "Shared."}),
        (
            "Feed",
            "Feed",
            {
                "feed_types": ["Indicator"],
                "feed_attributes": [
                    {"attribute": "v", "mappings": [{"type": "Indicator", "attribute": "name"}]}
                ],
            },
        ),
    ],
)
def test_two_live_objects_with_one_name_are_refused_naming_both(
    platform: Platform, kind: str, collection: str, spec: dict[str, Any]
) -> None:
    body = {"name": "Dup", "description": None, **FEED_FIELDS}
    first = platform.emu.api.insert(collection, body)
    second = platform.emu.api.insert(collection, dict(body))
    folder = write_documents(platform, [document(kind, "Dup", spec)])
    result = platform.run("apply", folder, "--auto-approve")
    assert result.exit_code == 1, result.output
    assert f"opencti.{kind}/Dup" in result.output and "sharing.yaml" in result.output
    assert first["id"] in result.output and second["id"] in result.output
    assert "j1sync does not guess" in result.output
    assert "Traceback" not in result.output
    mutations = {"taxiiCollectionAdd", "taxiiCollectionEdit", "feedAdd", "feedEdit"}
    assert not mutations & set(platform.emu.stats.requests)


def test_a_feed_update_sends_the_whole_feed_and_keeps_its_members(platform: Platform) -> None:
    documents = sharing_documents()
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    api = platform.emu.api
    feed = platform.one("feeds", name="Indicators")
    group = platform.one("groups", name="Default")
    analysts = platform.one("groups", name="Administrators")
    feed["authorized_members"] = [
        {"id": group["id"], "access_right": "view", "groups_restriction_ids": [analysts["id"]]}
    ]
    api.replace("Feed", feed)
    spec_of(documents, "Feed")["rolling_time"] = 30
    write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    feed = platform.one("feeds", name="Indicators")
    assert feed["rolling_time"] == 30
    assert feed["feed_types"] == ["Indicator"] and feed["separator"] == ";"
    assert feed["description"] == MARKER
    assert feed["authorized_members"] == [
        {"id": group["id"], "access_right": "view", "groups_restriction_ids": [analysts["id"]]}
    ]
    _empty_plan(platform, folder)


def test_settings_are_unmanaged_without_a_manifest(platform: Platform) -> None:
    documents = [d for d in sharing_documents() if d["kind"] != "Settings"]
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    settings = platform.stored("settings")[0]
    assert {k: settings[k] for k in SETTINGS} == dict(SETTINGS)
    assert "settingsEdit" not in platform.emu.stats.requests
    # a field the manifest leaves out stays as the platform has it
    platform.emu.api.field_patch(
        "Settings", settings["id"], [{"key": "platform_banner_text", "value": ["By hand"]}]
    )
    write_documents(
        platform, [*documents, document("Settings", "platform", {"platform_title": "T"})]
    )
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    settings = platform.stored("settings")[0]
    assert (settings["platform_title"], settings["platform_banner_text"]) == ("T", "By hand")
    _empty_plan(platform, folder)
    # "" clears a text
    cleared = document("Settings", "platform", {"platform_title": "T", "platform_banner_text": ""})
    write_documents(platform, [*documents, cleared])
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert not platform.stored("settings")[0]["platform_banner_text"]
    _empty_plan(platform, folder)


def test_a_settings_manifest_not_named_platform_is_located(platform: Platform) -> None:
    folder = write_documents(platform, [document("Settings", "main", {"platform_title": "T"})])
    result = platform.run("plan", folder)
    assert result.exit_code == 1
    assert (
        "m/sharing.yaml:4" in result.output and "metadata.name must be 'platform'" in result.output
    )
    assert "Traceback" not in result.output


def test_lost_answers_are_re_read_never_duplicated(platform: Platform) -> None:
    """OpenCTI does not match feeds and collections by name: a create repeated after a
    lost answer would make a second one. j1sync re-reads by name instead."""
    switches = platform.emu.switches
    switches.fail_mutation("feedAdd", mode="lose_response", times=1)
    switches.fail_mutation("taxiiCollectionAdd", mode="lose_response", times=1)
    switches.fail_mutation("streamCollectionAdd", mode="lose_response", times=1)
    switches.fail_mutation("subTypeEdit", match="GLOBAL", mode="lose_response", times=1)
    folder = write_documents(platform, sharing_documents())
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert not switches.failures  # every answer was lost once
    assert platform.emu.stats.requests["feedAdd"] == 1  # re-read, not repeated
    for collection in ("feeds", "taxii_collections", "stream_collections"):
        assert len(platform.stored(collection)) == 1, collection
    assert [name for _, name, _ in workflow(platform, "Report")] == ["NEW", "TRIAGE", "ANALYZED"]
    _empty_plan(platform, folder)


def test_a_saved_plan_applies_every_kind(platform: Platform) -> None:
    folder = write_documents(platform, sharing_documents())
    planned = platform.run("plan", folder, "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    applied = platform.run("apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "4 created, 2 updated" in applied.stdout
    assert [name for _, name, _ in workflow(platform, "Report")] == ["NEW", "TRIAGE", "ANALYZED"]
    _empty_plan(platform, folder)


def test_a_one_character_name_is_located(platform: Platform) -> None:
    folder = write_documents(platform, [document("TaxiiCollection", "x", {"description": "d"})])
    result = platform.run("validate", folder)
    assert result.exit_code == 1
    assert "m/sharing.yaml:4" in result.output and "metadata.name" in result.output
    assert "at least 2 characters" in result.output and "Traceback" not in result.output


def test_a_feed_opencti_would_refuse_is_located(platform: Platform) -> None:
    columns = [{"attribute": "value", "mappings": [{"type": "Indicator", "attribute": "name"}]}]
    separator = {"separator": ";;", "feed_types": ["Indicator"], "feed_attributes": columns}
    mappings = {"feed_types": ["Indicator", "Report"], "feed_attributes": columns}
    folder = write_documents(
        platform,
        [document("Feed", "Bad separator", separator), document("Feed", "Bad mappings", mappings)],
    )
    result = platform.run("validate", folder)
    assert result.exit_code == 1
    assert "spec.separator: String should have at most 1 character" in result.output
    assert "spec.feed_attributes[0].mappings" in result.output
    assert "column 'value' needs one mapping per feed type" in result.output
    assert "no mapping for Report" in result.output and "Traceback" not in result.output
