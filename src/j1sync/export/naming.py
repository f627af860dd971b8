"""File names for exported manifests: safe on every file system, unique per folder.

The file name is only where a manifest lives; its identity is `metadata.name`. So any
name (spaces, slashes, capitals, emoji) becomes a plain lowercase slug, and two objects
whose slugs collide get numeric suffixes in the order they are exported.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

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
    """Hands out unique file names, per folder. Case cannot tell names apart (macOS and
    Windows file systems ignore it), so slugs are lowercase and compared as such. A name
    that j1sync would not read as a manifest (`j1sync.yaml` is the project file: an
    object named `j1sync`) is never handed out: the next number is."""

    def __init__(self) -> None:
        self._taken: dict[str, set[str]] = {}

    def file_name(self, folder: str, name: str, fallback: str) -> str:
        taken = self._taken.setdefault(folder, set())
        slug = slugify(name, fallback)
        file_name = numbered(slug, taken) + SUFFIX
        while not is_manifest_name(file_name):
            file_name = numbered(slug, taken) + SUFFIX
        return file_name


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
