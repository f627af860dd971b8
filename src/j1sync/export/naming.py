"""File names for exported manifests: safe on every file system, unique per folder.

The file name is only where a manifest lives; its identity is `metadata.name`. So any
name (spaces, slashes, capitals, emoji) becomes a plain lowercase slug. Where slugs
collide, an export's file names (`file_names`) do not depend on which other objects
there are: an object keeps the file that declares it already, a name that is its own slug
has that file, and the others get a suffix made from their own name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from j1sync.manifest.discovery import is_manifest_name
from j1sync.manifest.model_base import MAX_NAME_LENGTH

SUFFIX = ".yaml"


def folder_of(kind: str) -> str:
    """The export folder of an engine kind: the kind's own name, kebab-case and plural
    (`AlertRule` -> `alert-rules`, `xyops.ServerGroup` -> `server-groups`); a name already
    plural stays (`opencti.Settings` -> `settings`)."""
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", kind.rpartition(".")[2])
    slug = "-".join(word.lower() for word in words)
    if slug.endswith("s"):
        return slug
    return slug[:-1] + "ies" if slug.endswith("y") else slug + "s"


MAX_SLUG_LENGTH = 80
# Device names Windows refuses as file names, whatever the extension.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def numbered(base: str, taken: set[str], sep: str = "-") -> str:
    """`base`, else `base<sep>2`, `base<sep>3`, ...: the first not in `taken` (added to it)."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{sep}{number}"
    taken.add(candidate)
    return candidate


def own_suffix(identity: str) -> str:
    """A short suffix made from what a name stands for (an object's name, an object and a
    field), not from the order of the others it collides with: when another object with a
    colliding name appears or disappears, this one's file or variable keeps its name."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def slugify(name: str, fallback: str) -> str:
    """`Root account login detected` -> `root-account-login-detected`; `a/b: c?` -> `a-b-c`.

    Accents are folded to ASCII; a name with nothing left (e.g. all CJK or emoji) becomes
    `fallback`."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    if not slug:
        return fallback
    if slug in WINDOWS_RESERVED:
        return f"{slug}-{fallback}"
    return slug


class FileNamer:
    """Hands out unique file names one at a time, per folder, numbered in the order asked
    for (a rule pack's import; an export's are `file_names`). Case cannot tell names apart
    (macOS and Windows file systems ignore it), so slugs are lowercase and compared as
    such. A name that j1sync would not read as a manifest (`j1sync.yaml` is the project
    file: an object named `j1sync`) is never handed out: the next number is."""

    def __init__(self) -> None:
        self._taken: dict[str, set[str]] = {}

    def file_name(self, folder: str, name: str, fallback: str) -> str:
        taken = self._taken.setdefault(folder, set())
        slug = slugify(name, fallback)
        file_name = numbered(slug, taken) + SUFFIX
        while not is_manifest_name(file_name):
            file_name = numbered(slug, taken) + SUFFIX
        return file_name


@dataclass(frozen=True)
class WantedFile:
    """An object wanting a file in a folder: its name, the slug of a name with none left
    (`fallback`), and the file that declares it already there (`kept`, --force)."""

    name: str
    fallback: str
    kept: str | None = None


def file_names(wanted: Sequence[WantedFile], held: Collection[str] = ()) -> list[str]:
    """A file name per object of one folder, unique whatever the case, each depending on
    the object alone as far as it can: first the file that declares it already (an export
    again keeps each object where it was; no object takes another of the files `held`,
    which declare other objects: one not exported now, or gone), then its own slug for a
    name that is exactly that (`dup`: dup.yaml, whatever `DUP` or `dup 2` exist), then its
    slug when free, else its slug and a suffix of its name's own (`DUP`: dup-<6
    hex>.yaml); numbered only where even that is taken. Names j1sync would not read as
    manifests (`j1sync.yaml`, the project file) are never handed out."""
    taken: set[str] = set()
    found: dict[int, str] = {}

    def claim(index: int, file_name: str) -> bool:
        if index in found or file_name.lower() in taken or not is_manifest_name(file_name):
            return False
        taken.add(file_name.lower())
        found[index] = file_name
        return True

    for index, each in enumerate(wanted):
        if each.kept is not None:
            claim(index, each.kept)
    taken.update(name.lower() for name in held)
    slugs = [slugify(each.name, each.fallback) for each in wanted]
    for index, each in enumerate(wanted):
        if slugs[index] == each.name:
            claim(index, slugs[index] + SUFFIX)
    for index, each in enumerate(wanted):
        slug = slugs[index]
        own = f"{slug}-{own_suffix(each.name)}{SUFFIX}"
        if index in found or claim(index, slug + SUFFIX) or claim(index, own):
            continue
        stems = {name.removesuffix(SUFFIX) for name in taken}
        while not claim(index, numbered(slug, stems) + SUFFIX):
            pass
    return [found[index] for index in range(len(wanted))]


def unique_names(wanted: list[str]) -> list[str]:
    """`wanted` with later repeats suffixed (`x`, `x-2`, ...), never clashing with another
    wanted name: metadata names must be unique within a kind. A suffixed name is cut to
    stay within MAX_NAME_LENGTH (a repeated name of 255 characters)."""
    reserved = set(wanted)
    used: set[str] = set()
    result: list[str] = []
    for name in wanted:
        candidate, number = name, 1
        while candidate in used or (candidate != name and candidate in reserved):
            number += 1
            suffix = f"-{number}"
            candidate = name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
        used.add(candidate)
        result.append(candidate)
    return result
