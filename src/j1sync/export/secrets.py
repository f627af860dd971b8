"""Credentials never reach an exported manifest: each becomes `${env:NAME}`.

The kinds say where their states hold credentials (a webhook's endpoint, headers and
body, ...). Export writes a reference in their place, under a variable name made from
the object and the field, so the manifests can be committed; the user sets each variable
(from the value in the system) where plan and apply run. The names, never the values,
are listed on stderr and in `.env.example` next to the manifests.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.engine.paths import format_path, get_path, parse_path, set_path
from j1sync.engine.sensitive import CredentialPaths, Secrets, secret_pieces
from j1sync.env_reference import env_template
from j1sync.export.naming import numbered, own_suffix

ENV_EXAMPLE_FILE = ".env.example"
VARIABLE_PREFIX = "J1_"
_NOT_NAME = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class SecretVariable:
    """One `${env:NAME}` export wrote: which object's which field it stands for."""

    name: str
    address: str
    path: str


def _name_part(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_NAME.sub("_", folded.upper()).strip("_")


def variable_name(obj: LiveObject, path: str) -> str:
    """`J1_<OBJECT NAME>_<FIELD PATH>`: `AlertRule/page-oncall`, `operations[0].actions[1]
    .headers.Authorization` -> `J1_PAGE_ONCALL_OPERATIONS_0_ACTIONS_1_HEADERS_AUTHORIZATION`."""
    name = _name_part(obj.name) or _name_part(obj.kind)
    field = "_".join(_name_part(str(part)) for part in parse_path(path))
    return f"{VARIABLE_PREFIX}{name}_{_NOT_NAME.sub('_', field).strip('_')}"


def _string_leaves(node: Any, path: str) -> list[str]:
    """Paths of the non-empty strings at or below `path` (in the same spelling)."""
    if isinstance(node, str):
        return [path] if node else []
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _string_leaves(value, _child(path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _string_leaves(value, f"{path}[{index}]")
    return found


def _child(path: str, key: Any) -> str:
    return format_path([*parse_path(path), str(key)])


def with_placeholders(
    live: Sequence[LiveObject],
    credentials: Mapping[str, CredentialPaths],
    earlier: EarlierEnvExample | None = None,
) -> tuple[list[LiveObject], list[SecretVariable]]:
    """`live` with every credential string replaced by `${env:NAME}`, and the variables.
    A field `earlier` (.env.example in the folder) lists keeps its name there: the user
    has set that variable to this field's value (a CI secret), and a name handed to
    another object would send it there. A new variable takes no name the file lists
    (_new_name). A credential written again inside another string (a hook's notes
    quoting its URL, a tag's notes quoting a hook's), of any object exported, is that
    reference there too: each variable is a secret to the plan of the export, which shows
    any string holding its value as `(sensitive)` (sensitive.Secrets.template_for: inside
    other text when it is MIN_BARE_SECRET_LENGTH characters or more, else the whole
    string), so export replaces by that very rule whatever the plan would hide."""
    earlier = earlier or EarlierEnvExample()
    taken: set[str] = set(earlier.names)
    reused: set[str] = set()
    variables: list[SecretVariable] = []
    placed: list[tuple[LiveObject, dict[str, str]]] = []  # each object's leaf -> reference
    references: dict[str, str] = {}  # a credential's value -> `${env:NAME}`
    for obj in live:
        declare = credentials.get(obj.kind)
        paths = sorted(set(declare(obj.state))) if declare else []
        leaves = [leaf for p in paths for leaf in _string_leaves(get_path(obj.state, p), p)]
        own: dict[str, str] = {}
        for leaf in dict.fromkeys(leaves):
            name = earlier.assigned.get(_entry(obj.address, leaf))
            if name is None or name in reused:
                name = _new_name(obj, leaf, taken)
            reused.add(name)
            references.setdefault(get_path(obj.state, leaf), env_template(name))
            own[leaf] = env_template(name)
            variables.append(SecretVariable(name, obj.address, leaf))
        placed.append((obj, own))
    parts = _part_references(references, variables, earlier, taken, reused)
    secrets = Secrets.of({**references, **{part: ref for part, (ref, _) in parts.items()}})
    exported = [_with_references(obj, own, secrets) for obj, own in placed]
    # a part's variable only where some string now holds it: most are never quoted
    used = {ref for ref, _ in parts.values() if any(_holds(o.state, ref) for o in exported)}
    variables += [variable for ref, variable in parts.values() if ref in used]
    return exported, variables


# .env.example's path of a credential's part: `<field> (part)`
PART_OF = " (part)"


def _part_references(
    references: Mapping[str, str],
    variables: Sequence[SecretVariable],
    earlier: EarlierEnvExample,
    taken: set[str],
    reused: set[str],
) -> dict[str, tuple[str, SecretVariable]]:
    """Each part of a credential that is a secret on its own (sensitive.secret_pieces:
    a bearer token, a URL's password), quoted elsewhere without the rest (a rule's
    description quoting its webhook's token): its reference and variable, named after
    the credential's (`NAME_PART`), as a plan of the export hides that very part."""
    owner = {env_template(v.name): v for v in variables}
    parts: dict[str, tuple[str, SecretVariable]] = {}
    for value, reference in references.items():
        whole = owner.get(reference)
        if whole is None:
            continue
        for part in secret_pieces(value):
            if part in references or part in parts:
                continue
            path = whole.path + PART_OF
            name = earlier.assigned.get(_entry(whole.address, path))
            if name is None or name in reused:
                name = numbered(f"{whole.name}_PART", taken, "_")
            taken.add(name)
            reused.add(name)
            parts[part] = (env_template(name), SecretVariable(name, whole.address, path))
    return parts


def _holds(node: Any, text: str) -> bool:
    if isinstance(node, str):
        return text in node
    if isinstance(node, dict):
        return any(_holds(value, text) for value in node.values())
    if isinstance(node, list):
        return any(_holds(value, text) for value in node)
    return False


def _new_name(obj: LiveObject, leaf: str, taken: set[str]) -> str:
    """`variable_name`, or when that is taken (by a variable .env.example lists, or an
    earlier object's whose name reads alike: `hook a/b`, `hook a:b`) that name and a
    suffix of this object and field's own: which other objects collide does not change
    it. Added to `taken`."""
    name = variable_name(obj, leaf)
    if name in taken:
        name = f"{name}_{own_suffix(_entry(obj.address, leaf)).upper()}"
    return numbered(name, taken, "_")


def _with_references(obj: LiveObject, own: Mapping[str, str], secrets: Secrets) -> LiveObject:
    """`obj` with its credential leaves replaced by their references (`own`), and each
    credential of the export in its other strings by its reference (`secrets`: found in
    the text as the system holds it, never inside a reference put in)."""

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            template = secrets.template_for(node)
            return node if template is None else template
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    state = walk(obj.state) if secrets.replacements else obj.state
    if not own and state == obj.state:
        return obj
    if state is obj.state:
        state = copy.deepcopy(state)
    for leaf, reference in own.items():
        set_path(state, leaf, reference)
    return replace(obj, state=state)


ENV_EXAMPLE_HEADER = (
    "# Credentials `j1sync export` wrote as ${env:NAME} instead of their values.",
    "# Set each to the value in the system where plan and apply run (e.g. as CI",
    "# secrets); never commit the values.",
)
# One variable of .env.example: `# <address> <path>`, then `NAME=`.
_ENTRY_COMMENT = re.compile(r"# (?P<kind>[^/\s]+)/.*")
_ENTRY_NAME = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=.*")


def _entry(address: str, path: str) -> str:
    """The comment line above a variable in .env.example: which object's which field."""
    return f"# {address} {path}"


def env_example(variables: Sequence[SecretVariable], kept: Sequence[str] = ()) -> str:
    """The file: the header, the `kept` lines of an earlier one, then `variables`."""
    lines = [*ENV_EXAMPLE_HEADER, *kept]
    for variable in variables:
        lines += [_entry(variable.address, variable.path), f"{variable.name}="]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class EarlierEnvExample:
    """What `.env.example` in the output folder already lists. `lines`: all but the
    variables of the kinds this export writes again (another system's, a second system
    exported into the same folder; another kind's, `--kind`), kept as written. `assigned`:
    the variables of those kinds, by their comment line (_entry): each field exported
    again keeps its name. `names`: every name listed, given to no new variable."""

    lines: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()
    assigned: Mapping[str, str] = field(default_factory=dict)


def earlier_env_example(out_dir: Path, kinds: Collection[str]) -> EarlierEnvExample:
    path = out_dir / ENV_EXAMPLE_FILE
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:  # none yet (or no file to read): nothing to keep
        return EarlierEnvExample()
    lines = text.splitlines()
    kept: list[str] = []
    names: set[str] = set()
    assigned: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        comment = _ENTRY_COMMENT.fullmatch(line)
        entry = _ENTRY_NAME.fullmatch(lines[index + 1]) if index + 1 < len(lines) else None
        if comment is not None and entry is not None:
            index += 2
            names.add(entry["name"])
            if comment["kind"] not in kinds:
                kept += [line, lines[index - 1]]
            else:
                assigned.setdefault(line, entry["name"])
            continue
        index += 1
        if line not in ENV_EXAMPLE_HEADER:
            kept.append(line)
            found = _ENTRY_NAME.fullmatch(line)
            if found is not None:
                names.add(found["name"])
    # a name kept for another kind's field stays that field's alone
    kept_names = {found["name"] for found in map(_ENTRY_NAME.fullmatch, kept) if found}
    assigned = {line: name for line, name in assigned.items() if name not in kept_names}
    return EarlierEnvExample(tuple(kept), frozenset(names), assigned)


def env_example_text(variables: Sequence[SecretVariable], earlier: EarlierEnvExample) -> str | None:
    """`.env.example` listing the variables, after what `earlier` keeps of the file
    there, when there is any to list."""
    if not variables and not earlier.lines:
        return None
    return env_example(variables, earlier.lines)
