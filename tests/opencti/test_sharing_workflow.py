"""OpenCTI status templates and workflows through the command line against the emulator: an
update that touches only the statuses that moved, seeded templates never deleted unless
declared, a template deleted only after the workflow stops using it, unknown entity types
and templates refused before any plan."""

from __future__ import annotations

from tests.opencti.helpers import Platform, document
from tests.opencti.sharing_manifests import sharing_documents, spec_of, workflow, write_documents

PRUNE_TEMPLATES = "paths: [m]\nopencti:\n  prune:\n    StatusTemplate: true\n"


def test_a_workflow_update_touches_only_what_moved(platform: Platform) -> None:
    documents = sharing_documents()
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    before = {name: (status_id, order) for status_id, name, order in workflow(platform, "Report")}
    assert [order for _, order in before.values()] == [1, 2, 3]

    spec_of(documents, "Workflow")["statuses"] = ["NEW", "ANALYZED", "CLOSED"]
    write_documents(platform, documents)
    planned = platform.run("plan", folder)
    assert "~ opencti.Workflow/Report" in planned.stdout, planned.output
    platform.emu.stats.reset()
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    after = workflow(platform, "Report")
    assert [(name, order) for _, name, order in after] == [
        ("NEW", 1),
        ("ANALYZED", 2),
        ("CLOSED", 3),
    ]
    ids = {name: status_id for status_id, name, _ in after}
    assert ids["NEW"] == before["NEW"][0]  # untouched
    assert ids["ANALYZED"] == before["ANALYZED"][0]  # renumbered, the same status
    assert before["TRIAGE"][0] not in {s["id"] for s in platform.stored("statuses")}
    # one delete, one renumbering, one add: nothing for NEW
    assert platform.emu.stats.requests["subTypeEdit"] == 3
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0

    # an empty list removes the workflow; the type is then the platform's default again
    spec_of(documents, "Workflow")["statuses"] = []
    write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert workflow(platform, "Report") == []
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_seeded_status_templates_are_never_deleted_unless_declared(platform: Platform) -> None:
    documents = [*sharing_documents(), document("StatusTemplate", "NEW", {"color": "#000000"})]
    folder = write_documents(platform, documents)
    platform.emu.api.insert("Status-Template", {"name": "LEFTOVER", "color": "#111111"})
    platform.write("j1sync.yaml", PRUNE_TEMPLATES)
    planned = platform.run("plan", folder)
    assert "- opencti.StatusTemplate/LEFTOVER" in planned.stdout, planned.output
    assert "~ opencti.StatusTemplate/NEW" in planned.stdout  # declared: adopted, updated
    assert "1 to delete" in planned.stdout  # IN_PROGRESS, CLOSED... are built-in
    applied = platform.run("apply", folder, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    names = {t["name"] for t in platform.stored("status_templates")}
    assert names == {
        "NEW",
        "IN_PROGRESS",
        "PENDING",
        "TO_BE_QUALIFIED",
        "ANALYZED",
        "CLOSED",
        "TRIAGE",
    }
    assert platform.one("status_templates", name="NEW")["color"] == "#000000"

    # NEW no longer declared: still never deleted (built-in)
    write_documents(platform, documents[:-1])
    platform.write("j1sync.yaml", PRUNE_TEMPLATES)
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_a_template_goes_only_after_the_workflow_stops_using_it(platform: Platform) -> None:
    documents = sharing_documents()
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    # TRIAGE leaves both the templates and the Report workflow: the workflow is updated
    # first, then the template deleted
    kept = [d for d in documents if d["metadata"]["name"] != "TRIAGE"]
    spec_of(kept, "Workflow")["statuses"] = ["NEW", "ANALYZED"]
    write_documents(platform, kept)
    platform.write("j1sync.yaml", PRUNE_TEMPLATES)
    applied = platform.run("apply", folder, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert "TRIAGE" not in {t["name"] for t in platform.stored("status_templates")}
    assert [name for _, name, _ in workflow(platform, "Report")] == ["NEW", "ANALYZED"]

    # a template a workflow j1sync does not manage still uses is not taken away: the plan
    # keeps it and says why, and apply does not fail on it (engine/plan.py)
    template = platform.emu.api.insert("Status-Template", {"name": "IN_USE", "color": "#222222"})
    platform.emu.api.insert(
        "Status",
        {"type": "Grouping", "template_id": template["id"], "order": 1, "scope": "GLOBAL"},
    )
    applied = platform.run("apply", folder, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert (
        "opencti.StatusTemplate/IN_USE: prune is enabled for opencti.StatusTemplate in "
        "j1sync.yaml and no manifest declares it, but opencti.Workflow/Grouping still uses "
        "it; not deleted"
    ) in planned.output
    assert "Traceback" not in applied.output
    assert [name for _, name, _ in workflow(platform, "Grouping")] == ["IN_USE"]


def test_unknown_entity_types_and_templates_are_refused_before_a_plan(platform: Platform) -> None:
    folder = write_documents(
        platform,
        [
            document("Workflow", "Nope", {"statuses": ["NEW"]}),
            document("Workflow", "Note", {"statuses": ["NEW", "MISSING"]}),
        ],
    )
    result = platform.run("plan", folder)
    assert result.exit_code == 1
    assert "opencti.Workflow/Nope" in result.output
    assert "'Nope' is not an entity type with a workflow in OpenCTI" in result.output
    assert "Report" in result.output  # the types it could be
    assert "statuses[1]: no StatusTemplate named 'MISSING' is declared or in OpenCTI" in (
        result.output
    )
    assert "m/sharing.yaml:" in result.output and "Traceback" not in result.output


def test_a_status_listed_twice_is_located(platform: Platform) -> None:
    folder = write_documents(
        platform, [document("Workflow", "Report", {"statuses": ["NEW", "NEW"]})]
    )
    result = platform.run("validate", folder)
    assert result.exit_code == 1
    assert "spec.statuses[1]" in result.output and "listed twice" in result.output
    assert "Traceback" not in result.output


def test_request_access_statuses_are_left_alone(platform: Platform) -> None:
    closed = platform.one("status_templates", name="CLOSED")
    request = platform.emu.api.insert(
        "Status",
        {"type": "Report", "template_id": closed["id"], "order": 1, "scope": "REQUEST_ACCESS"},
    )
    documents = sharing_documents()
    folder = write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    spec_of(documents, "Workflow")["statuses"] = ["ANALYZED"]
    write_documents(platform, documents)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    report = [s for s in platform.stored("statuses") if s["type"] == "Report"]
    assert sorted((s["scope"], s["template_id"]) for s in report) == sorted(
        [
            ("GLOBAL", platform.one("status_templates", name="ANALYZED")["id"]),
            ("REQUEST_ACCESS", closed["id"]),
        ]
    )
    assert request["id"] in {s["id"] for s in report}
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0
