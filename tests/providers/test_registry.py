"""providers/registry.py: the systems j1sync knows, and the loader's dispatch by
apiVersion -> system -> document model (a test-only second system beside JupiterOne)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.errors import ManifestError
from j1sync.manifest import load_manifests
from j1sync.manifest.kind_scan import scan_manifests
from j1sync.providers import registry
from j1sync.providers.registry import (
    Imported,
    System,
    check_kinds,
    manifest_kind,
    registered,
    system_for_api_version,
    system_name_of,
    system_of_kind,
    systems,
)
from tests.providers.demo_system import DEMO, widget

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: hosts
spec:
  title: Hosts
  queries:
    - name: q
      query: Find Host
"""


@pytest.fixture
def demo() -> Iterator[System]:
    with registered(DEMO) as system:
        yield system


def test_jupiterone_is_the_first_system_and_keeps_bare_kinds() -> None:
    first = systems()[0]
    assert (first.name, first.title, first.api_version) == ("jupiterone", "JupiterOne", "j1sync/v1")
    assert first.engine_kind("AlertRule") == "AlertRule"
    assert "AlertRule" in first.engine_kinds
    assert system_for_api_version("j1sync/v1") is first
    assert system_of_kind("IamGroup") is first


def test_other_systems_qualify_their_kinds(demo: System) -> None:
    assert demo.engine_kind("Widget") == "demo.Widget"
    assert system_for_api_version("demo.j1sync/v1") is demo
    assert system_of_kind("demo.Widget") is demo
    assert system_of_kind("demo.Gadget") is None
    assert system_of_kind("Widget") is None  # bare means JupiterOne, which has no Widget
    assert (manifest_kind("demo.Widget"), system_name_of("demo.Widget")) == ("Widget", "demo")
    assert registry.all_engine_kinds()[-1] == "demo.Widget"


def test_a_system_name_is_registered_once(demo: System) -> None:
    with pytest.raises(ValueError, match="already registered"), registered(DEMO):
        pass
    assert [s.name for s in systems()].count("demo") == 1


def test_registration_ends_with_the_block() -> None:
    with registered(DEMO):
        assert system_for_api_version("demo.j1sync/v1") is DEMO
    assert system_for_api_version("demo.j1sync/v1") is None


def test_the_loader_dispatches_by_api_version(demo: System, tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "w.yaml").write_text(widget("blue", size=3))
    loaded = load_manifests([tmp_path], env={})
    by_kind = {m.kind: m for m in loaded.manifests}
    assert set(by_kind) == {"Question", "demo.Widget"}
    assert by_kind["demo.Widget"].api_version == "demo.j1sync/v1"
    assert by_kind["demo.Widget"].address == "demo.Widget/blue"
    assert by_kind["demo.Widget"].spec_data() == {"size": 3, "colour": "grey"}
    assert by_kind["Question"].api_version == "j1sync/v1"


def test_a_system_model_error_is_located(demo: System, tmp_path: Path) -> None:
    # the quick road passes such a file to the round-trip road, which locates the problem
    (tmp_path / "w.yaml").write_text(widget("blue", size=0))
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={})
    (problem,) = caught.value.problems
    assert problem.location is not None
    assert (problem.location.line, problem.field) == (6, "spec.size")
    assert problem.document == "demo.Widget/blue"


def test_a_kind_of_another_system_is_unknown_with_its_api_version(
    demo: System, tmp_path: Path
) -> None:
    (tmp_path / "w.yaml").write_text(widget("blue").replace("kind: Widget", "kind: Question"))
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={})
    assert [p.message for p in caught.value.problems] == [
        "unknown kind 'Question'; 'Question' is a kind of JupiterOne (apiVersion: j1sync/v1)"
    ]


def test_an_unknown_api_version_is_located_with_did_you_mean(demo: System, tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(widget("blue").replace("demo.j1sync/v1", "demo.j1sync/v2"))
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={})
    (problem,) = caught.value.problems
    assert problem.message == "unknown apiVersion 'demo.j1sync/v2'; did you mean 'demo.j1sync/v1'?"
    assert problem.location is not None
    assert (problem.location.file, problem.location.line) == (str(tmp_path / "w.yaml"), 1)
    assert problem.field == "apiVersion"


def test_an_api_version_nothing_resembles_lists_every_system(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(QUESTION.replace("j1sync/v1", "zz"))
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={})
    messages = [p.message for p in caught.value.problems]
    assert messages[0].startswith("unknown apiVersion 'zz'; expected one of j1sync/v1")


def test_kind_scan_names_engine_kinds(demo: System, tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "w.yaml").write_text(widget("blue"))
    assert scan_manifests([tmp_path]).kinds == {"Question", "demo.Widget"}


def test_validate_counts_every_systems_kinds(demo: System, tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "w.yaml").write_text(widget("blue") + "---\n" + widget("red"))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 manifests valid: 1 Question, 2 demo.Widget"


def test_no_manifest_may_name_a_systems_api_key(demo: System, tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(
        QUESTION.replace("title: Hosts", "title: ${env:XYOPS_API_KEY}")
    )
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={"XYOPS_API_KEY": "xy-secret-key-123456"})
    (problem,) = caught.value.problems
    assert "XYOPS_API_KEY" in problem.message
    assert "xy-secret-key-123456" not in str(problem)


def test_schema_of_another_system(demo: System) -> None:
    result = CliRunner().invoke(cli, ["schema", "--system", "demo"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["title"] == "j1sync Demo manifest"
    assert schema["properties"]["kind"] == {"const": "Widget", "type": "string"}
    wrong = CliRunner().invoke(cli, ["schema", "--system", "demo", "--kind", "Widgte"])
    assert wrong.exit_code == 1
    assert "did you mean 'Widget'?" in wrong.output


def test_another_systems_manifests_beside_a_run_leave_it_whole(
    demo: System, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jupiterone").mkdir()
    (tmp_path / "jupiterone" / "q.yaml").write_text(QUESTION)
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "w.yaml").write_text(widget("blue"))
    monkeypatch.chdir(tmp_path)
    assert load_manifests(["jupiterone"], env={}).scope.complete
    assert load_manifests(["demo"], env={}).scope.complete
    # a manifest of the run's own system outside it: the run is a part, it never prunes
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "w.yaml").write_text(widget("red"))
    scope = load_manifests(["demo"], env={}).scope
    assert not scope.complete
    assert scope.reason is not None and "more/w.yaml" in scope.reason
    assert load_manifests(["jupiterone"], env={}).scope.complete


def test_an_imported_mapping_loads_its_module_when_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "registry_probe_models.py").write_text('MODELS = {"A": 1, "B": 2}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "registry_probe_models", raising=False)
    models = Imported[int]("registry_probe_models:MODELS")
    assert "registry_probe_models" not in sys.modules
    assert repr(models) == "Imported(registry_probe_models:MODELS)"
    assert models["B"] == 2
    assert "registry_probe_models" in sys.modules
    assert (list(models), len(models), dict(models), models.get("C")) == (
        ["A", "B"],
        2,
        {"A": 1, "B": 2},
        None,
    )


def test_a_systems_models_must_define_exactly_its_kinds_in_order() -> None:
    check_kinds("Demo", ("A", "B"), {"A": 1, "B": 2})
    for defined in (("B", "A"), ("A",), ("A", "B", "C")):
        with pytest.raises(RuntimeError, match=r"Demo's models define the kinds"):
            check_kinds("Demo", ("A", "B"), defined)


# In a process of its own: which systems' manifest models are loaded, after listing the
# systems and after reading one system's document models and another's list identities.
LOADED_MODELS = textwrap.dedent(
    """
    import json, sys
    from j1sync.providers.registry import system_named, systems

    def loaded():
        prefixes = ("j1sync.providers.jupiterone.models", "j1sync.providers.xyops.models",
                    "j1sync.providers.opencti.models", "j1sync.providers.opencti.kinds")
        return sorted(m for m in sys.modules if m.startswith(prefixes))

    seen = {"listed": [s.name for s in systems()], "after listing": loaded()}
    seen["event"] = system_named("xyops").document_models["Event"].__name__
    seen["after xyops"] = loaded()
    identities = system_named("opencti").extras["list_identities"]["Group"]
    seen["group"] = [i.path for i in identities]
    seen["after opencti"] = loaded()
    identities = system_named("jupiterone").extras["list_identities"]["Question"]
    seen["question"] = [i.path for i in identities]
    seen["after jupiterone"] = loaded()
    print(json.dumps(seen))
    """
)


def test_a_systems_manifest_models_are_loaded_when_first_read() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_MODELS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["listed"] == ["jupiterone", "xyops", "opencti"]
    assert seen["after listing"] == []
    assert seen["event"] == "XyopsEventDocument"
    assert seen["after xyops"] == ["j1sync.providers.xyops.models"]
    assert seen["group"] == ["default_marking", "group_confidence_level.overrides"]
    assert "j1sync.providers.opencti.models" in seen["after opencti"]
    assert "j1sync.providers.xyops.models" in seen["after opencti"]
    assert not any(m.startswith("j1sync.providers.jupiterone") for m in seen["after opencti"])
    assert seen["question"] == ["queries", "compliance"]
    assert "j1sync.providers.jupiterone.models.documents" in seen["after jupiterone"]
