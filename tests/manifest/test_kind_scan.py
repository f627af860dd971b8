"""The scan before a plan's load (manifest/kind_scan.py) finds the files once: the load
reads what the scan found, with the kinds and apiVersion values it named."""

from __future__ import annotations

from pathlib import Path

from j1sync.manifest import load_manifests
from j1sync.manifest.kind_scan import scan_manifests

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: {name}
spec:
  description: d
"""


def test_the_load_reads_the_files_the_scan_found(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GROUP.format(name="a"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(GROUP.format(name="b"), encoding="utf-8")
    (tmp_path / "notes.yaml.bak").write_text("x", encoding="utf-8")
    scanned = scan_manifests([tmp_path])
    assert scanned.kinds == {"IamGroup"}
    assert scanned.api_versions == {"j1sync/v1"}
    assert scanned.discovery.files == [tmp_path / "a.yaml", tmp_path / "sub" / "b.yml"]
    assert [w.path for w in scanned.discovery.warnings] == [str(tmp_path / "notes.yaml.bak")]
    # a file written after the scan is not searched for again: the run reads what it scanned
    (tmp_path / "c.yaml").write_text(GROUP.format(name="c"), encoding="utf-8")
    loaded = load_manifests([tmp_path], env={}, discovery=scanned.discovery)
    assert [m.name for m in loaded.manifests] == ["a", "b"]
    assert {m.name for m in load_manifests([tmp_path], env={}).manifests} == {"a", "b", "c"}
