"""Which kinds the manifests under some paths probably declare, without loading them.

`plan`, `apply` and `drift` read the account while the manifests load, and read only the
kinds a run needs (reconcile.kinds_to_read): a repository of questions and rules must never
touch the IAM API. Which kinds the manifests declare is known for certain only once they
have loaded; this scan guesses it first, from each document's top-level `kind:` line, so
that the reads of those kinds overlap the load as well. It is a hint: a kind it misses is
read after the load, and the read of a kind it wrongly finds is dropped, errors and all.
A folder of 10,000 small files is scanned in tens of milliseconds (the files are then in
the page cache for the load).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from j1sync.manifest.discovery import discover
from j1sync.manifest.project import default_paths
from j1sync.providers.registry import systems

# `kind: IamGroup` at the start of a line (a top-level key of a block-style document),
# optionally quoted.
_KIND_LINE = re.compile(
    rb"""^["']?kind["']?[ \t]*:[ \t]*["']?([A-Za-z]+)["']?[ \t]*(?:#|$)""", re.MULTILINE
)


def scan_kinds(paths: Sequence[str | Path]) -> set[str]:
    """The engine kinds named by a top-level `kind:` line in the manifest files under
    `paths` (the loader's defaults when empty); unreadable files are skipped (the load
    reports them). The line names a bare kind: it counts for every system that has one
    of that name (a hint may over-read)."""
    engine_kinds: dict[str, set[str]] = {}
    for system in systems():
        for kind in system.kinds:
            engine_kinds.setdefault(kind, set()).add(system.engine_kind(kind))
    known = frozenset(engine_kinds)
    found: set[str] = set()
    for named in _found_in_files(paths, _KIND_LINE):
        found |= named
        if found >= known:
            break
    return {engine for kind in found & known for engine in engine_kinds[kind]}


# `apiVersion: xyops.j1sync/v1`, anywhere in a line (block or flow style), optionally quoted.
_API_VERSION = re.compile(rb"""["']?apiVersion["']?[ \t]*:[ \t]*["']?([A-Za-z0-9./_-]+)""")


def scan_api_versions(paths: Sequence[str | Path]) -> set[str]:
    """The apiVersion values written in the manifest files under `paths` (the loader's
    defaults when empty): which systems a run connects to before its manifests are
    loaded. Unreadable files are skipped (the load reports them)."""
    return set().union(*_found_in_files(paths, _API_VERSION))


def _found_in_files(paths: Sequence[str | Path], pattern: re.Pattern[bytes]) -> Iterator[set[str]]:
    """Per manifest file under `paths` (the loader's defaults when empty), what `pattern`
    captures in it; unreadable files are skipped (the load reports them)."""
    roots = [Path(p) for p in paths] or [Path(p) for p in default_paths()]
    for path in discover(roots).files:
        try:
            text = path.read_bytes()
        except OSError:
            continue
        yield {m.decode("ascii") for m in pattern.findall(text)}
