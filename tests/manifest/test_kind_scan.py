"""The scan before a plan's load (manifest/kind_scan.py) finds the files once: the load
reads what the scan found, with the kinds and apiVersion values it named."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.manifest import load_manifests
from j1sync.manifest.kind_scan import READ_SIZE, read_bytes, scan_manifests

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


def test_the_load_takes_the_bytes_the_scan_read(tmp_path: Path) -> None:
    """Each file is opened once per run: the load decodes what the scan read (a file
    changed in between is loaded as scanned) and lets go of each file's bytes."""
    (tmp_path / "a.yaml").write_text(GROUP.format(name="a"), encoding="utf-8")
    scanned = scan_manifests([tmp_path])
    assert set(scanned.discovery.contents) == {str(tmp_path / "a.yaml")}
    (tmp_path / "a.yaml").write_text(GROUP.format(name="changed"), encoding="utf-8")
    loaded = load_manifests([tmp_path], env={}, discovery=scanned.discovery)
    assert [m.name for m in loaded.manifests] == ["a"]
    assert scanned.discovery.contents == {}


@pytest.mark.parametrize(
    "raw",
    [
        b"a: 1\r\nb: 2\r\n",
        b"a: 1\rb: |\r  x\r\n  y\n",
        "\ufeffname: caf\u00e9\n".encode(),
        b"no line break at the end",
    ],
)
def test_scanned_bytes_decode_as_the_file_reads(tmp_path: Path, raw: bytes) -> None:
    """The text made from the scan's bytes is the text Path.read_text gives (universal
    line breaks, a byte-order mark kept for the loader to judge)."""
    path = tmp_path / "m.yaml"
    path.write_bytes(raw)
    discovery = scan_manifests([tmp_path]).discovery
    assert discovery.read_text(path) == path.read_text(encoding="utf-8")
    assert discovery.read_text(path) == path.read_text(encoding="utf-8")  # from disk now


def test_api_versions_quoted_or_in_flow_style_are_found(tmp_path: Path) -> None:
    """At the start of a line only: a flow mapping's first key counts, a nested one does
    not (tests/hostile/test_s18_api_version_in_text.py)."""
    (tmp_path / "a.yaml").write_text(
        '{"apiVersion": "xyops.j1sync/v1", "kind": "Event"}\n---\n'
        "'apiVersion' : 'j1sync/v1'\nkind: Question\n---\n"
        "metadata: {apiVersion: other/v2}\n",
        encoding="utf-8",
    )
    scanned = scan_manifests([tmp_path])
    assert scanned.api_versions == {"xyops.j1sync/v1", "j1sync/v1"}


def test_files_sort_as_their_parts_and_their_text_is_their_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder's files come at the folder's place among its neighbours (`a/...` before
    `a.yaml`, `a-b/...` before `a-b.yaml`: sorted as tuples of parts, not as path
    strings, where "." < "/" would put them after), and the text
    the scan reads a file by is what str() of its Path gives, from any root."""
    names = ["a.yaml", "a/x.yaml", "a/b/y.yml", "a-b/z.yaml", "a-b.yaml", "b.yml", "ab/c.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(GROUP.format(name=name.replace("/", "-")), encoding="utf-8")
    scanned = scan_manifests([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in scanned.discovery.files] == [
        "a/b/y.yml",
        "a/x.yaml",
        "a-b/z.yaml",
        "a-b.yaml",
        "a.yaml",
        "ab/c.yaml",
        "b.yml",
    ]
    monkeypatch.chdir(tmp_path)
    for root in (".", "a", "./a/", str(tmp_path), str(tmp_path / "a") + "/"):
        discovery = scan_manifests([root]).discovery
        assert discovery.texts == [str(path) for path in discovery.files]
        assert set(discovery.contents) == set(discovery.texts)
        for path in discovery.files:  # the load finds each file's bytes by its Path
            assert discovery.read_text(path) == path.read_text(encoding="utf-8")
        assert discovery.contents == {}


def test_a_kind_counts_at_the_start_of_a_line_only(tmp_path: Path) -> None:
    """`kind:` on a document's first line, after a `---` or any line break, quoted or
    followed by a comment; never inside a value or indented under another key."""
    (tmp_path / "a.yaml").write_text(
        "kind: Question\n---\n'kind': IamGroup # g\n---\nspec:\n  kind: Dashboard\n"
        'description: "kind: ResourceGroup"\n---\r\n"kind" : AlertRule\r\n',
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text("apiVersion: j1sync/v1\nkind: Parameter", encoding="utf-8")
    scanned = scan_manifests([tmp_path])
    # AlertRule's line ends in \r\n: read as "AlertRule\r", not a kind (as before)
    assert scanned.kinds == {"Question", "IamGroup", "Parameter"}


def test_files_are_read_whole_whatever_their_size(tmp_path: Path) -> None:
    sizes = {"empty.yaml": 0, "one.yaml": 1, "edge.yaml": READ_SIZE, "big.yaml": 3 * READ_SIZE + 7}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(bytes(i % 251 for i in range(size)))
    for name in sizes:
        assert read_bytes(tmp_path / name) == (tmp_path / name).read_bytes()
        assert read_bytes(str(tmp_path / name)) == (tmp_path / name).read_bytes()
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "missing.yaml")


def test_each_file_is_searched_on_its_own_lines(tmp_path: Path) -> None:
    """The files are searched at once, each starting a line: a file that ends without a
    line break does not run into the next one's first line, and a byte order mark before
    a file's first line is no part of it."""
    (tmp_path / "a.yaml").write_text("metadata:\n  note: x", encoding="utf-8")  # no \n
    (tmp_path / "b.yaml").write_text("kind: Question\napiVersion: j1sync/v1\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_bytes(b"\xef\xbb\xbfapiVersion: xyops.j1sync/v1\nkind: Event\n")
    (tmp_path / "d.yaml").write_text("spec:\n  d: 'ends inside a quote", encoding="utf-8")
    (tmp_path / "e.yaml").write_text("kind: IamGroup", encoding="utf-8")
    scanned = scan_manifests([tmp_path])
    assert scanned.api_versions == {"j1sync/v1", "xyops.j1sync/v1"}
    assert scanned.kinds == {"Question", "IamGroup", "xyops.Event"}
    (tmp_path / "b.yaml").write_text("  kind: Question\n  apiVersion: j1sync/v1\n", "utf-8")
    assert scan_manifests([tmp_path]).api_versions == {"xyops.j1sync/v1"}
