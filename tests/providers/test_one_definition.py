"""One definition per rule (issue 12): each system's apiVersion is stated once (its
values.py's `ApiVersion` type, the documents' field type, API_VERSION read from it), and
its kinds' list once, in its values.py (the registry lists it without loading the models;
the models check on import that their documents are exactly those kinds, in order)."""

from __future__ import annotations

from typing import get_args

import pytest

from j1sync.providers.jupiterone.models import documents
from j1sync.providers.registry import System, system_named, systems


@pytest.mark.parametrize("system", systems(), ids=lambda s: s.name)
def test_every_document_takes_its_systems_one_api_version_and_its_own_kind(
    system: System,
) -> None:
    assert system.kinds == tuple(system.document_models)
    for kind, model in system.document_models.items():
        assert get_args(model.model_fields["apiVersion"].annotation) == (system.api_version,)
        assert get_args(model.model_fields["kind"].annotation) == (kind,)


def test_each_systems_kinds_and_api_version_are_stated_in_its_leaf_values_module() -> None:
    """Each system's kinds and apiVersion are its values.py's (the registry lists them
    without loading the models, which check they define exactly those kinds); every
    values.py imports the standard library only."""
    import ast
    import importlib
    import sys
    from pathlib import Path

    for name in ("jupiterone", "xyops", "opencti"):
        system = system_named(name)
        values = importlib.import_module(f"j1sync.providers.{name}.values")
        assert system is not None
        assert (system.kinds, system.api_versions) == (values.KINDS, (values.API_VERSION,))
        assert get_args(values.ApiVersion) == (values.API_VERSION,)
    providers = Path(__file__).resolve().parents[2] / "src" / "j1sync" / "providers"
    leaves = sorted(providers.glob("*/values.py"))
    assert len(leaves) == 3
    for module in leaves:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                tops = [(node.module or "").split(".")[0]]
            else:
                continue
            assert set(tops) <= sys.stdlib_module_names | {"__future__"}, module


def test_jupiterone_kinds_spec_models_and_documents_follow_one_list() -> None:
    assert documents.KINDS == (
        "Question",
        "AlertRule",
        "IamGroup",
        "IntegrationSchedule",
        "ResourceGroup",
        "Parameter",
        "Dashboard",
    )
    assert tuple(documents.SPEC_MODELS) == documents.KINDS
    for kind, model in documents.DOCUMENT_MODELS.items():
        assert model.model_fields["spec"].annotation is documents.SPEC_MODELS[kind]
    assert set(documents.LIST_IDENTITIES) <= set(documents.KINDS)


def test_a_query_without_version_or_results_are_gets_the_one_default_everywhere() -> None:
    """The models' defaults are values.py's, and export leaves out exactly those."""
    from j1sync.providers.jupiterone import values
    from j1sync.providers.jupiterone.export.specs import (
        QUESTION_QUERY_DEFAULTS,
        RULE_QUERY_DEFAULTS,
    )
    from j1sync.providers.jupiterone.models.alert_rule import RuleQuery
    from j1sync.providers.jupiterone.models.question import QuestionQuery

    question = QuestionQuery.model_validate({"name": "q", "query": "FIND Host"})
    rule = RuleQuery.model_validate({"name": "q", "query": "FIND Host"})
    assert (question.version, question.resultsAre) == (
        values.DEFAULT_QUERY_VERSION,
        values.DEFAULT_RESULTS_ARE,
    )
    assert rule.version == values.DEFAULT_QUERY_VERSION
    assert QUESTION_QUERY_DEFAULTS == {
        "version": values.DEFAULT_QUERY_VERSION,
        "resultsAre": values.DEFAULT_RESULTS_ARE,
        "includeDeleted": False,
    }
    assert RULE_QUERY_DEFAULTS == {"version": values.DEFAULT_QUERY_VERSION, "includeDeleted": False}


def test_every_emulator_listens_on_the_one_default_host() -> None:
    """Each system's emulator and `emulator serve --host` default to emulator.LISTEN_HOST."""
    import inspect

    from j1sync.commands.emulator import command
    from j1sync.emulator import LISTEN_HOST
    from j1sync.providers.jupiterone import serve as jupiterone_serve
    from j1sync.providers.jupiterone.emulator.app import Emulator
    from j1sync.providers.opencti.emulator import app as opencti
    from j1sync.providers.xyops.emulator import app as xyops

    assert LISTEN_HOST == "127.0.0.1"  # loopback only
    for function in (
        Emulator.__init__,
        opencti.OpenCtiEmulator.__init__,
        opencti.serve,
        xyops.XyOpsEmulator.__init__,
        xyops.serve,
        jupiterone_serve.serve,
    ):
        assert inspect.signature(function).parameters["host"].default == LISTEN_HOST
    serve = command.commands["serve"]
    assert next(p for p in serve.params if p.name == "host").default == LISTEN_HOST


def test_the_shipped_package_holds_no_test_or_benchmark_helper() -> None:
    """What the wheel ships (src/j1sync) imports nothing from tests/ or benchmarks/, and
    the generated-account helper lives in benchmarks/ (issue 12)."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "src" / "j1sync"
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 100
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("tests", "benchmarks"), f"{module}: imports {name}"
    assert not [m for m in modules if m.stem in ("generated", "accounts")]
    assert (package.parents[1] / "benchmarks" / "accounts.py").is_file()


def test_every_extra_a_system_offers_is_read_by_a_generic_module() -> None:
    """A system's extras are keyed by name, each name stated where a generic module reads
    it (registry.System); a key no generic module states (a typo) would be ignored."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "src" / "j1sync"
    generic = {
        node.value
        for module in package.rglob("*.py")
        if "providers" not in module.relative_to(package).parts
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    offered = {(system.name, key) for system in systems() for key in system.extras}
    assert ("jupiterone", "export_specs") in offered
    assert [pair for pair in sorted(offered) if pair[1] not in generic] == []


def test_jupiterone_pages_are_the_largest_the_api_serves_everywhere() -> None:
    import inspect

    from j1sync.providers.jupiterone import serve
    from j1sync.providers.jupiterone.client import PAGE_LIMIT
    from j1sync.providers.jupiterone.emulator.app import running_emulator
    from j1sync.providers.jupiterone.emulator.switches import Switches
    from j1sync.providers.jupiterone.values import LARGEST_PAGE

    assert PAGE_LIMIT == LARGEST_PAGE  # what the client asks for
    assert Switches().page_size == LARGEST_PAGE  # what the emulator serves
    assert inspect.signature(running_emulator).parameters["page_size"].default == LARGEST_PAGE
    assert inspect.signature(serve.serve).parameters["page_size"].default == LARGEST_PAGE
    option = dict(serve.serve_options())["page_size"]
    assert next(p for p in option(lambda: None).__click_params__).default == LARGEST_PAGE


def test_export_leaves_out_a_rule_conditions_model_defaults_but_its_type() -> None:
    from j1sync.providers.jupiterone.export.specs import CONDITION_DEFAULTS
    from j1sync.providers.jupiterone.models.alert_rule import RuleCondition

    condition = RuleCondition.model_validate({"condition": ["AND"]})
    assert {"version": condition.version} == CONDITION_DEFAULTS
    assert condition.type == "FILTER"  # a default export writes anyway: it reads better


def test_a_board_parameter_without_type_or_value_type_gets_the_one_default_everywhere() -> None:
    from j1sync.providers.jupiterone import values
    from j1sync.providers.jupiterone.dashboards import normalize_parameter
    from j1sync.providers.jupiterone.models.dashboard import BoardParameter

    declared = BoardParameter.model_validate({"name": "env", "label": "Environment"})
    live = normalize_parameter({"name": "env", "label": "Environment"})  # a live one without
    expected = (values.DEFAULT_PARAMETER_TYPE, values.DEFAULT_PARAMETER_VALUE_TYPE)
    assert (declared.type, declared.valueType) == expected == (live["type"], live["valueType"])
    assert expected == ("QUERY_VARIABLE", "string")


def test_jupiterone_is_named_alike_by_its_system_and_its_api_messages() -> None:
    from j1sync.providers.jupiterone import settings, transport
    from j1sync.providers.registry import system_named

    assert system_named("jupiterone").title == settings.TITLE == transport.TITLE == "JupiterOne"
