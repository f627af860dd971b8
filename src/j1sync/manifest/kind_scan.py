"""Which kinds the manifests under some paths probably declare, without loading them.

`plan`, `apply` and `drift` read the account while the manifests load, and read only the
kinds a run needs (reconcile.kinds_to_read): a repository of questions and rules must never
touch the IAM API. Which kinds the manifests declare is known for certain only once they
have loaded; this scan guesses it first, from each document's top-level `kind:` line, so
that the reads of those kinds overlap the load as well. It is a hint: a kind it misses is
read after the load, and the read of a kind it wrongly finds is dropped, errors and all.
The same pass collects the apiVersion values: which systems the run connects to. Each
file is read once, here, and the files are found once: the load takes the scan's
`discovery`, with the bytes read (`Discovery.contents`), instead of searching the folders
and opening every file again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from j1sync.errors import ConfigError, ManifestError, ManifestProblem
from j1sync.manifest.discovery import Discovery, discover
from j1sync.manifest.project import run_roots
from j1sync.providers.registry import system_for_api_version, system_named, systems

if TYPE_CHECKING:
    from j1sync.manifest.document import ManifestSet

# `kind: IamGroup` at the start of a line (a top-level key of a block-style document),
# optionally quoted. Searched as a line break followed by the key (a literal first
# character lets the search skip from line break to line break, ~3x quicker than trying
# `^` at every position; a file's first line comes after a line break too: scan_manifests).
_KIND_KEY = rb"""["']?kind["']?[ \t]*:[ \t]*["']?([A-Za-z]+)["']?[ \t]*(?:#|$)"""
_KIND_LINE = re.compile(rb"\n" + _KIND_KEY, re.MULTILINE)

# `apiVersion: xyops.j1sync/v1` at the start of a line, as a document's top-level key is
# written (optionally quoted; after `---`; or a flow mapping's first key, `{apiVersion: ...`
# at the start of a line), searched as `_KIND_LINE` is. Only there: the text of a value
# (a description that quotes a manifest, a comment) must never add a system to a run,
# which would read that system's account and plan it with no manifest of it (the run
# stops on such a line when no manifest names that system: reconcile._check_connected).
_API_VERSION_KEY = (
    rb"""(?:---[ \t]+)?(?:\{[ \t]*)?["']?apiVersion["']?[ \t]*:[ \t]*["']?([A-Za-z0-9./_-]+)"""
)
# (the lookahead: a line that starts with none of the key's first characters is passed
# over at once, ~2.5x quicker than trying the optional prefixes at every line break)
_API_VERSION_LINE = re.compile(rb"\n(?=[-{\"'a])" + _API_VERSION_KEY)
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte order mark
_API_VERSION_FIRST_LINE = re.compile(b"(?:" + _BOM + b")?" + _API_VERSION_KEY)  # a BOM first


@dataclass(frozen=True)
class ManifestScan:
    """What the manifest files under some paths name, read without loading them."""

    kinds: frozenset[str]  # engine kinds of top-level `kind:` lines
    api_versions: frozenset[str]  # every apiVersion value written
    # the files scanned, and what discovery passed over: what load_manifests reads
    discovery: Discovery = field(default_factory=Discovery, compare=False)


def scan_manifests(paths: Sequence[str | Path]) -> ManifestScan:
    """One pass over the manifest files under `paths` (the loader's defaults when empty;
    unreadable files are skipped, the load reports them). The apiVersion values say
    which systems a run connects to before its manifests are loaded. A `kind:` line
    names a bare kind: it counts for every system that has one of that name (a hint may
    over-read)."""
    engine_kinds: dict[str, set[str]] = {}
    for system in systems():
        for kind in system.kinds:
            engine_kinds.setdefault(kind, set()).add(system.engine_kind(kind))
    kinds: set[bytes] = set()
    versions: set[bytes] = set()
    discovery = discover(run_roots(paths))
    # every file searched at once, each after a line break of its own: its first line is
    # searched as its others are (a byte order mark before it left out, as
    # `api_versions_written` leaves it out), ~3x quicker than a search per file
    joined = b"\n" + b"\n".join(
        text[len(_BOM) :] if text.startswith(_BOM) else text for text in _manifest_texts(discovery)
    )
    kinds.update(_KIND_LINE.findall(joined))
    versions.update(_API_VERSION_LINE.findall(joined))
    found = {kind.decode("ascii") for kind in kinds}
    named = {engine for kind in found & engine_kinds.keys() for engine in engine_kinds[kind]}
    return ManifestScan(frozenset(named), frozenset(v.decode("ascii") for v in versions), discovery)


def api_versions_written(text: bytes) -> Iterator[re.Match[bytes]]:
    """Each line of `text` that counts as naming a document's apiVersion (group 1): the
    one rule for "this file declares a manifest of that system" (the scan, and
    manifest/scope.py's search for manifests outside a run)."""
    first = _API_VERSION_FIRST_LINE.match(text)
    if first is not None:
        yield first
    yield from _API_VERSION_LINE.finditer(text)


def check_systems_scanned(
    in_run: Collection[str], manifests: ManifestSet, files: Iterable[Path]
) -> None:
    """The systems a run took from the scan's apiVersion lines (`in_run`) are those its
    loaded manifests and j1sync.yaml name: the one rule of validate, plan, apply and
    drift. A manifest of a system the scan did not find (its apiVersion indented, in a
    flow mapping after another key, on the next line, behind an anchor or a merge key) is
    a ManifestError at that document; a system no manifest names, the stray rule's
    ConfigError (`stray_api_versions`)."""
    wanted = manifests.project.run_systems(m.api_version for m in manifests.manifests)
    missing = {name for name in wanted if name not in in_run}
    if missing:
        raise ManifestError(
            [
                ManifestProblem(
                    m.source,
                    f"its apiVersion is not written at the start of a line of its own "
                    f"(`apiVersion: {m.api_version}`, not indented, not after another key "
                    "of a `{...}` mapping): j1sync reads those lines to know the systems a "
                    "run reads before the manifests load; write it so",
                    m.address,
                    "apiVersion",
                )
                for m in manifests.manifests
                if (system := system_for_api_version(m.api_version)) is not None
                and system.name in missing
            ]
        )
    stray = stray_api_versions(in_run, wanted, files)
    if stray is not None:
        raise ConfigError(stray)


def stray_api_versions(
    in_run: Collection[str], wanted: Collection[str], files: Iterable[Path]
) -> str | None:
    """Why a run may not go on, or None: the systems the scan's apiVersion lines put in
    the run (`in_run`) hold one that neither a loaded manifest nor j1sync.yaml names
    (`wanted`): a line of some value's text starts with `apiVersion:` (a quoted value's
    next line may), and planning that system with no manifest of it would read its account
    and prune what j1sync manages there. Said by validate as by plan, naming the line."""
    extra = [name for name in in_run if name not in wanted]
    if not extra:
        return None
    titles = ", ".join(s.title for name in extra if (s := system_named(name)) is not None)

    def names_extra(version: str) -> bool:
        system = system_for_api_version(version)
        return system is not None and system.name in extra

    where = where_written(files, names_extra)
    return (
        f"{where + ': ' if where else ''}a line starts with `apiVersion:` naming {titles}, "
        "but no manifest declares an object of it and j1sync.yaml gives it no section: "
        "indent that text (it is not a document's apiVersion), so that the run does not "
        f"read and plan {titles} with no manifest of it"
    )


def where_written(paths: Iterable[Path], wanted: Callable[[str], bool]) -> str | None:
    """`file:line` of the first line the scan counts as naming an apiVersion that is
    `wanted` (files read again: for an error message)."""
    for path in paths:
        try:
            text = read_bytes(path)
        except OSError:
            continue
        for match in api_versions_written(text):
            if wanted(match[1].decode("ascii")):
                line = text.count(b"\n", 0, match.start(1)) + 1
                return f"{path}:{line}"
    return None


def _manifest_texts(discovery: Discovery) -> Iterator[bytes]:
    """Each file's bytes, kept in `discovery.contents` for the load (read once)."""
    for text in discovery.texts:
        try:
            data = discovery.contents[text] = read_bytes(text)
        except OSError:
            continue
        yield data


# os.open and os.read: what Path.read_bytes does (every byte, to the end of the file)
# without its file object, which costs more than the read itself for a small file
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: no newline translation
READ_SIZE = 1 << 16


def read_bytes(path: str | Path) -> bytes:
    """The whole content of the file at `path`, as `path.read_bytes()` gives it."""
    fd = os.open(path, READ_FLAGS)
    try:
        data = os.read(fd, READ_SIZE)
        if not data:
            return data
        chunks = [data]
        while chunk := os.read(fd, READ_SIZE):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
