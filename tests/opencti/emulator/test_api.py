"""The emulated OpenCTI API over HTTP: authorization as OpenCTI answers it, upserts by
natural key, edits with replace/add/remove, built-in objects, workflows, sharing
collections, feeds, settings, bad requests and the shared fault switches."""

from __future__ import annotations

import pytest
import requests

from j1sync.providers.opencti.emulator import BUILT_IN, OpenCtiEmulator, running_opencti_emulator

from .conftest import Poster

LABEL_ADD = "mutation A($input: LabelAddInput!) { labelAdd(input: $input) { id value color } }"
LABELS = "{ labels { edges { node { id value } } pageInfo { globalCount hasNextPage } } }"


def test_no_token_is_asked_to_sign_in(emu: OpenCtiEmulator) -> None:
    body = Poster(emu, None).post(LABELS).json()
    assert body["data"] == {"labels": None}
    assert body["errors"][0]["message"] == "You must be logged in to do this."
    assert body["errors"][0]["extensions"]["code"] == "AUTH_REQUIRED"
    wrong = Poster(emu, "not-a-token").post(LABELS).json()
    assert wrong["errors"][0]["extensions"]["code"] == "AUTH_REQUIRED"


def test_a_public_field_needs_no_token(emu: OpenCtiEmulator) -> None:
    body = Poster(emu, None).post("{ feeds { edges { node { id } } } }").json()
    assert body == {"data": {"feeds": {"edges": []}}}


def test_a_missing_capability_is_forbidden_access(analyst: Poster, admin: Poster) -> None:
    body = analyst.post(LABEL_ADD, {"input": {"value": "x"}}).json()
    assert body["data"] == {"labelAdd": None}
    error = body["errors"][0]
    assert error["message"] == "You are not allowed to do this."
    assert error["extensions"]["code"] == "FORBIDDEN_ACCESS"
    assert error["path"] == ["labelAdd"]
    assert admin.gql(LABELS)["labels"]["edges"] == []  # nothing was created
    # reading labels needs KNOWLEDGE, which the analyst's Default role holds
    assert analyst.gql(LABELS)["labels"]["pageInfo"]["globalCount"] == 0
    # one forbidden field does not hide the allowed ones of the same request
    mixed = analyst.post("{ roles { edges { node { id } } } about { version } }").json()
    assert mixed["data"] == {"roles": None, "about": {"version": "6.9.17"}}


def test_me_shows_the_users_capabilities(admin: Poster, analyst: Poster) -> None:
    query = "{ me { user_email capabilities { name } groups { edges { node { name } } } } }"
    me = admin.gql(query)["me"]
    assert me["user_email"] == "admin@opencti.io"
    assert [c["name"] for c in me["capabilities"]] == ["BYPASS"]
    limited = analyst.gql(query)["me"]
    assert {c["name"] for c in limited["capabilities"]} == {
        "KNOWLEDGE",
        "EXPLORE",
        "INVESTIGATION",
        "TAXIIAPI",
    }
    assert [e["node"]["name"] for e in limited["groups"]["edges"]] == ["Default"]


def test_add_with_an_existing_natural_key_returns_that_object(admin: Poster) -> None:
    first = admin.gql(LABEL_ADD, {"input": {"value": "apt", "color": "#111111"}})["labelAdd"]
    same = admin.gql(LABEL_ADD, {"input": {"value": "apt", "color": "#222222"}})["labelAdd"]
    assert same == first  # returned as it is
    updated = admin.gql(LABEL_ADD, {"input": {"value": "apt", "color": "#222222", "update": True}})
    assert updated["labelAdd"] == {**first, "color": "#222222"}
    assert admin.gql(LABELS)["labels"]["pageInfo"]["globalCount"] == 1


def test_field_patch_replaces_adds_and_removes(admin: Poster) -> None:
    add = "mutation V($input: VocabularyAddInput!) { vocabularyAdd(input: $input) { id aliases } }"
    vocabulary = admin.gql(
        add, {"input": {"name": "apt-report", "category": "report_types_ov", "aliases": ["a"]}}
    )["vocabularyAdd"]
    patch = (
        "mutation P($id: ID!, $input: [EditInput!]!) "
        "{ vocabularyFieldPatch(id: $id, input: $input) { name aliases description } }"
    )
    steps = [
        ({"key": "aliases", "value": ["b", "c"], "operation": "add"}, ["a", "b", "c"]),
        ({"key": "aliases", "value": ["a"], "operation": "remove"}, ["b", "c"]),
        ({"key": "aliases", "value": ["z"], "operation": "replace"}, ["z"]),
    ]
    for edit, expected in steps:
        answer = admin.gql(patch, {"id": vocabulary["id"], "input": [edit]})
        assert answer["vocabularyFieldPatch"]["aliases"] == expected
    renamed = admin.gql(
        patch, {"id": vocabulary["id"], "input": [{"key": "name", "value": ["vendor"]}]}
    )
    assert renamed["vocabularyFieldPatch"]["name"] == "vendor"
    bad = admin.post(patch, {"id": vocabulary["id"], "input": [{"key": "bogus", "value": [1]}]})
    assert bad.json()["errors"][0]["extensions"]["code"] == "FUNCTIONAL_ERROR"


def test_renaming_onto_another_objects_key_is_refused(admin: Poster) -> None:
    one = admin.gql(LABEL_ADD, {"input": {"value": "one"}})["labelAdd"]
    admin.gql(LABEL_ADD, {"input": {"value": "two"}})
    patch = (
        "mutation E($id: ID!, $input: [EditInput]!) "
        "{ labelEdit(id: $id) { fieldPatch(input: $input) { value } } }"
    )
    body = admin.post(patch, {"id": one["id"], "input": [{"key": "value", "value": ["two"]}]})
    assert "duplicated" in body.json()["errors"][0]["message"]


def test_built_in_vocabularies_cannot_be_deleted(admin: Poster) -> None:
    query = "{ vocabularies(category: report_types_ov) { edges { node { id name builtIn } } } }"
    nodes = [e["node"] for e in admin.gql(query)["vocabularies"]["edges"]]
    assert {n["name"] for n in nodes} == {"internal-report", "threat-report"}
    assert all(n["builtIn"] for n in nodes)
    delete = "mutation D($id: ID!) { vocabularyDelete(id: $id) }"
    body = admin.post(delete, {"id": nodes[0]["id"]}).json()
    assert body["errors"][0]["extensions"]["code"] == "FUNCTIONAL_ERROR"
    assert len(admin.gql(query)["vocabularies"]["edges"]) == 2
    assert ("internal-report", "report_types_ov") in BUILT_IN["Vocabulary"]
    assert ("Administrator",) in BUILT_IN["Role"]
    assert ("TLP", "TLP:RED") in BUILT_IN["Marking-Definition"]


def test_deleting_a_marking_removes_it_from_groups(admin: Poster) -> None:
    add = (
        "mutation M($input: MarkingDefinitionAddInput!) "
        "{ markingDefinitionAdd(input: $input) { id } }"
    )
    marking = admin.gql(
        add, {"input": {"definition_type": "PAP", "definition": "PAP:X", "x_opencti_order": 9}}
    )["markingDefinitionAdd"]
    group = admin.gql(
        "mutation G($input: GroupAddInput!) { groupAdd(input: $input) { id } }",
        {
            "input": {
                "name": "GG",
                "group_confidence_level": {"max_confidence": 50, "overrides": []},
            }
        },
    )["groupAdd"]
    relate = (
        "mutation R($id: ID!, $input: InternalRelationshipAddInput!) "
        "{ groupEdit(id: $id) { relationAdd(input: $input) { id } } }"
    )
    admin.gql(
        relate,
        {"id": group["id"], "input": {"relationship_type": "accesses-to", "toId": marking["id"]}},
    )
    read = "query R($id: String!) { group(id: $id) { allowed_marking { definition } } }"
    assert admin.gql(read, {"id": group["id"]})["group"]["allowed_marking"] == [
        {"definition": "PAP:X"}
    ]
    admin.gql(
        "mutation D($id: ID!) { markingDefinitionEdit(id: $id) { delete } }", {"id": marking["id"]}
    )
    assert admin.gql(read, {"id": group["id"]})["group"]["allowed_marking"] == []


def test_group_fields_and_max_shareable_markings(admin: Poster) -> None:
    group = admin.gql(
        "mutation G($input: GroupAddInput!) { groupAdd(input: $input) { id } }",
        {
            "input": {
                "name": "Sharers",
                "group_confidence_level": {"max_confidence": 10, "overrides": []},
            }
        },
    )["groupAdd"]
    red = admin.gql('{ markingDefinitions(search: "TLP:RED") { edges { node { id } } } }')
    red_id = red["markingDefinitions"]["edges"][0]["node"]["id"]
    patch = (
        "mutation P($id: ID!, $input: [EditInput]!) { groupEdit(id: $id) "
        "{ fieldPatch(input: $input) { default_assignation max_shareable_marking { definition } "
        "not_shareable_marking_types "
        "group_confidence_level { max_confidence overrides { entity_type max_confidence } } } } }"
    )
    # one attribute behind max_shareable_marking and not_shareable_marking_types, as
    # OpenCTI's UI patches it (GroupEditionMarkings)
    shareable = [{"type": "TLP", "value": red_id}, {"type": "PAP", "value": "none"}]
    edits = [
        {"key": "default_assignation", "value": [True]},
        {"key": "max_shareable_markings", "value": shareable},
        {
            "key": "group_confidence_level",
            "value": [
                {
                    "max_confidence": 80,
                    "overrides": [{"entity_type": "Report", "max_confidence": 90}],
                }
            ],
        },
    ]
    answer = admin.gql(patch, {"id": group["id"], "input": edits})["groupEdit"]["fieldPatch"]
    assert answer == {
        "default_assignation": True,
        "max_shareable_marking": [{"definition": "TLP:RED"}],
        "not_shareable_marking_types": ["PAP"],
        "group_confidence_level": {
            "max_confidence": 80,
            "overrides": [{"entity_type": "Report", "max_confidence": 90}],
        },
    }


def test_status_templates_and_a_workflow(admin: Poster) -> None:
    templates = admin.gql("{ statusTemplates { edges { node { id name } } } }")["statusTemplates"]
    names = {e["node"]["name"]: e["node"]["id"] for e in templates["edges"]}
    assert {"NEW", "IN_PROGRESS", "ANALYZED", "CLOSED"} <= set(names)
    added = admin.gql(
        "mutation T($input: StatusTemplateAddInput!) "
        "{ statusTemplateAdd(input: $input) { id name } }",
        {"input": {"name": "TRIAGED", "color": "#abcdef"}},
    )["statusTemplateAdd"]
    status_add = (
        "mutation S($id: ID!, $input: StatusAddInput!) { subTypeEdit(id: $id) "
        "{ statusAdd(input: $input) { id workflowEnabled "
        "statuses { id order template { name } } } } }"
    )
    admin.gql(
        status_add,
        {"id": "Report", "input": {"template_id": names["NEW"], "order": 1, "scope": "GLOBAL"}},
    )
    report = admin.gql(
        status_add,
        {"id": "Report", "input": {"template_id": added["id"], "order": 2, "scope": "GLOBAL"}},
    )["subTypeEdit"]["statusAdd"]
    assert report["workflowEnabled"] is True
    assert [s["template"]["name"] for s in report["statuses"]] == ["NEW", "TRIAGED"]
    reorder = (
        "mutation O($id: ID!, $sid: String!, $input: [EditInput]!) { subTypeEdit(id: $id) "
        "{ statusFieldPatch(statusId: $sid, input: $input) { statuses { template { name } } } } }"
    )
    first = report["statuses"][0]["id"]
    moved = admin.gql(
        reorder, {"id": "Report", "sid": first, "input": [{"key": "order", "value": [3]}]}
    )
    statuses = moved["subTypeEdit"]["statusFieldPatch"]["statuses"]
    assert [s["template"]["name"] for s in statuses] == ["TRIAGED", "NEW"]
    usages = admin.gql(
        "query U($id: String!) { statusTemplate(id: $id) { usages } }", {"id": added["id"]}
    )
    assert usages["statusTemplate"]["usages"] == 1
    remove = (
        "mutation R($id: ID!, $sid: String!) { subTypeEdit(id: $id) "
        "{ statusDelete(statusId: $sid) { workflowEnabled statuses { id } } } }"
    )
    left = admin.gql(remove, {"id": "Report", "sid": first})["subTypeEdit"]["statusDelete"]
    assert len(left["statuses"]) == 1
    other = admin.gql('{ subTypes(type: "Grouping") { edges { node { id statuses { id } } } } }')
    assert other["subTypes"]["edges"] == [{"node": {"id": "Grouping", "statuses": []}}]
    parent = admin.gql('{ subTypes(type: "Stix-Domain-Object") { edges { node { id } } } }')
    assert {"Report", "Grouping", "Case-Incident"} <= {
        e["node"]["id"] for e in parent["subTypes"]["edges"]
    }


def test_taxii_stream_and_feed_collections(admin: Poster) -> None:
    taxii = admin.gql(
        "mutation T($input: TaxiiCollectionAddInput!) "
        "{ taxiiCollectionAdd(input: $input) { id name taxii_public } }",
        {"input": {"name": "reports", "filters": "{}", "taxii_public": True}},
    )["taxiiCollectionAdd"]
    patched = admin.gql(
        "mutation P($id: ID!, $input: [EditInput]!) { taxiiCollectionEdit(id: $id) "
        "{ fieldPatch(input: $input) { description } } }",
        {"id": taxii["id"], "input": [{"key": "description", "value": ["All reports"]}]},
    )
    assert patched["taxiiCollectionEdit"]["fieldPatch"] == {"description": "All reports"}
    stream = admin.gql(
        "mutation S($input: StreamCollectionAddInput!) { streamCollectionAdd(input: $input) "
        "{ id stream_live authorized_members { id name entity_type access_right } } }",
        {
            "input": {
                "name": "live",
                "stream_live": True,
                "authorized_members": [{"id": "ALL", "access_right": "view"}],
            }
        },
    )["streamCollectionAdd"]
    assert stream["stream_live"] is True
    assert stream["authorized_members"][0]["access_right"] == "view"
    feed_input = {
        "name": "ips",
        "separator": ";",
        "feed_date_attribute": "created_at",
        "rolling_time": 60,
        "include_header": True,
        "feed_types": ["IPv4-Addr"],
        "feed_attributes": [
            {"attribute": "value", "mappings": [{"type": "IPv4-Addr", "attribute": "value"}]}
        ],
    }
    feed = admin.gql(
        "mutation F($input: FeedAddInput!) { feedAdd(input: $input) { id rolling_time } }",
        {"input": feed_input},
    )["feedAdd"]
    edited = admin.gql(
        "mutation E($id: ID!, $input: FeedAddInput!) "
        "{ feedEdit(id: $id, input: $input) { rolling_time } }",
        {"id": feed["id"], "input": {**feed_input, "rolling_time": 120}},
    )
    assert edited["feedEdit"] == {"rolling_time": 120}
    admin.gql("mutation D($id: ID!) { feedDelete(id: $id) }", {"id": feed["id"]})
    again = admin.post("mutation D($id: ID!) { feedDelete(id: $id) }", {"id": feed["id"]}).json()
    assert again["errors"][0]["extensions"]["code"] == "ALREADY_DELETED_ERROR"
    admin.gql(
        "mutation D($id: ID!) { taxiiCollectionEdit(id: $id) { delete } }", {"id": taxii["id"]}
    )
    listed = admin.gql(
        "{ feeds { edges { node { id } } } taxiiCollections { edges { node { id } } } "
        "streamCollections { edges { node { name } } } }"
    )
    assert listed == {
        "feeds": {"edges": []},
        "taxiiCollections": {"edges": []},
        "streamCollections": {"edges": [{"node": {"name": "live"}}]},
    }


def test_settings_edit(admin: Poster, analyst: Poster) -> None:
    settings = admin.gql("{ settings { id platform_title platform_language } }")["settings"]
    assert settings["platform_title"] == "OpenCTI - Cyber Threat Intelligence Platform"
    patch = (
        "mutation S($id: ID!, $input: [EditInput]!) { settingsEdit(id: $id) "
        "{ fieldPatch(input: $input) { platform_title platform_login_message } } }"
    )
    edits = [
        {"key": "platform_title", "value": ["Our CTI"]},
        {"key": "platform_login_message", "value": ["Authorized use only"]},
    ]
    answer = admin.gql(patch, {"id": settings["id"], "input": edits})
    assert answer["settingsEdit"]["fieldPatch"] == {
        "platform_title": "Our CTI",
        "platform_login_message": "Authorized use only",
    }
    refused = analyst.post(patch, {"id": settings["id"], "input": edits}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN_ACCESS"


def test_pagination(admin: Poster) -> None:
    for value in ("a", "b", "c"):
        admin.gql(LABEL_ADD, {"input": {"value": value}})
    query = (
        "query L($after: ID) { labels(first: 2, after: $after, orderBy: value, orderMode: desc) "
        "{ edges { node { value } } pageInfo { endCursor hasNextPage globalCount } } }"
    )
    first = admin.gql(query)["labels"]
    assert [e["node"]["value"] for e in first["edges"]] == ["c", "b"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = admin.gql(query, {"after": first["pageInfo"]["endCursor"]})["labels"]
    assert [e["node"]["value"] for e in rest["edges"]] == ["a"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_bad_requests_are_http_400(emu: OpenCtiEmulator, admin: Poster) -> None:
    headers = {"Authorization": f"Bearer {emu.token}"}
    not_json = requests.post(emu.graphql_url, data=b"{", headers=headers, timeout=10)
    assert not_json.status_code == 400
    unparsable = admin.post("{ labels { ")
    assert unparsable.status_code == 400
    assert unparsable.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    invalid = admin.post("{ labels { edges { node { bogus } } } }")
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    elsewhere = requests.post(emu.url + "/api", json={"query": "{ about { version } }"}, timeout=10)
    assert elsewhere.status_code == 404


def test_fault_switches(emu: OpenCtiEmulator, admin: Poster) -> None:
    emu.switches.fail_mutation("labelAdd", mode="5xx", times=1)
    failed = admin.post(LABEL_ADD, {"input": {"value": "five"}})
    assert failed.status_code == 503
    assert admin.gql(LABELS)["labels"]["edges"] == []  # nothing committed
    emu.switches.fail_mutation("labelAdd", mode="lose_response", times=1)
    with pytest.raises(requests.ConnectionError):
        admin.post(LABEL_ADD, {"input": {"value": "lost"}})
    values = [e["node"]["value"] for e in admin.gql(LABELS)["labels"]["edges"]]
    assert values == ["lost"]  # committed, the answer never came
    emu.switches.fail_mutation("labelAdd", mode="error", times=1)
    error = admin.post(LABEL_ADD, {"input": {"value": "err"}}).json()
    assert error["data"] is None and error["errors"]
    emu.switches.rate_429 = 1.0
    assert admin.post(LABELS).status_code == 429
    emu.switches.rate_429 = 0.0
    assert emu.stats.statuses[429] == 1
    assert emu.stats.requests["labelAdd"] == 3


def test_reset_and_snapshot_keep_tokens_out() -> None:
    with running_opencti_emulator() as emu:
        poster = Poster(emu, emu.token)
        poster.gql(LABEL_ADD, {"input": {"value": "temporary"}})
        snapshot = emu.snapshot()
        assert [label["value"] for label in snapshot["labels"]] == ["temporary"]
        assert all("token" not in user for user in snapshot["users"])
        assert emu.token not in str(snapshot)
        emu.reset()
        assert emu.snapshot()["labels"] == []
        assert poster.gql("{ about { version } }") == {"about": {"version": "6.9.17"}}


def test_seed_none_keeps_only_access_objects() -> None:
    with running_opencti_emulator(seed="none") as emu:
        snapshot = emu.snapshot()
        assert snapshot["markings"] == [] and snapshot["vocabularies"] == []
        assert {r["name"] for r in snapshot["roles"]} == {"Administrator", "Connector", "Default"}
        assert Poster(emu, emu.token).gql("{ about { version } }")["about"]["version"]


def test_rate_limit_window_and_latency() -> None:
    with running_opencti_emulator(rate_limit="2/60", latency_ms=30) as emu:
        poster = Poster(emu, emu.token)
        statuses = [poster.post("{ about { version } }").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert poster.post("{ about { version } }").headers["Retry-After"] == "1"
