"""Secrets in plans: masked in every output, never written, re-resolved at apply.

Two sources, one mask. Values that came from `${env:NAME}`: the loader hands over
`resolved string -> template` ("Bearer s3cr3t" -> "Bearer ${env:HOOK_TOKEN}"); from each
pair we also recover the variable's own value, so a normalized state that holds the
secret inside other text is masked as well. Masking touches values only, never a desired
state's keys: the loader resolves `${env:…}` in values alone, so a key is the manifest's own
text or a field of the kind's, and `${env:X}` set to "title" must not hide the field `title`
(a plan file with its keys masked cannot be applied). A live state's key that holds a
secret is the account's own data and is masked, unless the desired state has the same key
at the same place. And credential fields:
each kind declares the paths of a state that hold credentials (a webhook's endpoint,
headers and body, ...); every string there is masked, wherever it came from, on both
sides of a change, and so is every string of any object of the plan that holds one
written literally (`literal_pattern`, of all objects' credentials, built once per plan:
a web hook's URL quoted in another object's title). Export hides its credentials by the
`${env:…}` rule (`Secrets.of`): each becomes a variable's value to the plan of the
export, and what that plan would mask export writes as the reference. A plan keeps the
`${env:…}` template of a masked `after` value so `apply --plan` can re-resolve it; a
credential written literally has no template, so a saved plan cannot carry it (its value
stays in this process only, for `apply PATHS`).
Every value masked here is also remembered, so messages leaving the process (errors,
logs) can be scrubbed of it with `redact_secrets`.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import threading
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from j1sync.engine.paths import PathPart, format_path, get_path, parse_path
from j1sync.env_reference import VALID_ENV_REFERENCE, env_template, has_value, unset_problem
from j1sync.errors import ConfigError

MASK = "(sensitive)"

# A bare variable value shorter than this is not hunted for inside other strings: masking
# every "1" or "on" in a plan would hide real changes and reveal nothing useful.
MIN_BARE_SECRET_LENGTH = 4


@dataclass(frozen=True)
class Secrets:
    """Longest first: `secret text -> the text with ${env:…} in its place`."""

    replacements: tuple[tuple[str, str], ...]

    @classmethod
    def from_sensitive(cls, sensitive: Mapping[str, str]) -> Secrets:
        pairs = _secret_pairs(sensitive)
        _remember_pairs(pairs)
        return cls.of(pairs)

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> Secrets:
        """`secret -> its template` as they are, nothing remembered: export's credentials,
        each the value of the `${env:NAME}` it writes, are then hidden by the very rule a
        plan of the export hides them by (`template_for`)."""
        ordered = sorted(((s, t) for s, t in pairs.items() if s), key=_longest_first)
        return cls(tuple(ordered))

    def template_for(self, text: str) -> str | None:
        """The unresolved form of `text`, or None when it holds no secret. A secret shorter
        than MIN_BARE_SECRET_LENGTH counts only as the whole text: `${env:X}` set to "d"
        would otherwise mask every string and key holding a "d" ("description"), and the
        plan file, its keys masked, could not be applied. Secrets are found in `text` as
        it is, in one pass (the longest where several start at one place), never in a
        template put in for another: with STAGE=PROD, `${env:PROD_TOKEN}` stays as it is
        (it became `${env:${env:STAGE}_TOKEN}`, which apply --plan resolved to the text
        `${env:PROD_TOKEN}` and wrote to the account)."""
        whole = self._whole.get(text)
        if whole is not None:
            return whole
        if self._inside is None or not self._inside.search(text):
            return None
        return self._inside.sub(lambda found: self._whole[found.group(0)], text)

    @cached_property
    def _whole(self) -> dict[str, str]:
        return dict(self.replacements)

    @cached_property
    def _inside(self) -> re.Pattern[str] | None:
        """Any secret long enough to be looked for inside other text, longest first."""
        long_enough = [s for s, _ in self.replacements if len(s) >= MIN_BARE_SECRET_LENGTH]
        if not long_enough:
            return None
        return re.compile("|".join(map(re.escape, long_enough)))


def _longest_first(pair: tuple[str, str]) -> int:
    return -len(pair[0])


def _secret_pairs(sensitive: Mapping[str, str]) -> dict[str, str]:
    """`resolved -> template` and each variable's own value -> `${env:NAME}`."""
    pairs: dict[str, str] = {}
    for resolved, template in sensitive.items():
        if resolved:
            pairs[resolved] = template
        for name, value in _variable_values(resolved, template).items():
            if len(value) >= MIN_BARE_SECRET_LENGTH:
                pairs.setdefault(value, env_template(name))
    return pairs


def remember_sensitive(sensitive: Mapping[str, str]) -> None:
    """Remember the values the loader resolved (`resolved -> template`), and each
    variable's own value, as soon as they are known: a problem found before any plan (a
    duplicate query name, a questionRef to no manifest, a name the account lacks) may
    quote one, and `redact_secrets` must take it out of the message."""
    if sensitive:
        _remember_pairs(_secret_pairs(sensitive))


def _remember_pairs(pairs: Mapping[str, str]) -> None:
    """Each secret of `pairs` (`secret -> its template`): a variable's own value is secret
    through and through (a piece of it quoted is still secret); a resolved text with other
    text around its variables is not (a piece of its template's own text is not)."""
    whole = {value for value, template in pairs.items() if VALID_ENV_REFERENCE.fullmatch(template)}
    remember_secrets(whole)
    remember_secrets(pairs.keys() - whole, whole=False)


def _variable_values(resolved: str, template: str) -> dict[str, str]:
    """Recover NAME -> value by matching the template's literal text against `resolved`."""
    pattern: list[str] = []
    seen: set[str] = set()
    pos = 0
    for ref in VALID_ENV_REFERENCE.finditer(template):
        pattern.append(re.escape(template[pos : ref.start()]))
        name = ref.group(1)
        pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        pos = ref.end()
    pattern.append(re.escape(template[pos:]))
    match = re.fullmatch("".join(pattern), resolved, flags=re.DOTALL)
    return dict(match.groupdict()) if match else {}


# A kind's declaration of where its states hold credentials: the concrete paths (a leaf
# or a whole subtree, e.g. `operations[0].actions[1].headers`) present in one state.
CredentialPaths = Callable[[Mapping[str, Any]], Iterable[str]]


@dataclass
class MaskedState:
    """A state as outputs and plan files may show it, and what masking took out of it."""

    state: Any
    templates: dict[str, str] = field(default_factory=dict)  # path -> `${env:…}` template
    # path -> value no template can rebuild (a credential written literally): kept in
    # memory only, never written.
    literal: dict[str, Any] = field(default_factory=dict)


def mask_state(state: Any, secrets: Secrets) -> tuple[Any, dict[str, str]]:
    """`state` with secret-bearing strings replaced by MASK (a copy when there is anything
    to mask; plan states are never mutated afterwards), and path -> template."""
    if not secrets.replacements:
        return state, {}
    masked = mask(state, secrets)
    return masked.state, masked.templates


def mask(
    state: Any,
    secrets: Secrets,
    credentials: Collection[str] = (),
    *,
    live: bool = False,
    desired: Any = None,
    literals: Collection[str] = (),
    run_literals: re.Pattern[str] | None = None,
) -> MaskedState:
    """Mask every string that holds an `${env:…}` secret, every non-empty string at or
    below one of the `credentials` paths, and every string that holds one of `literals`
    (credentials written literally, a credential path's values: copied into a note, such
    a value is a credential there too) or matches `run_literals` (the `literal_pattern`
    of every object's credentials, built once per plan: quoted by another object, such a
    value is a credential there too). A `live` state's dict keys that hold a secret are
    masked too, except those the `desired` state has at the same place (`_public_key`)."""
    if not secrets.replacements and not credentials and not literals and run_literals is None:
        return MaskedState(state)
    masking = _Masking(secrets, credentials, literals, run_literals, live)
    masking.result.state = masking.walk(state, [], False, desired)
    return masking.result


class _Masking:
    """One `mask` call's walk. A class, not a closure calling itself: that closure and its
    cell would refer to each other, a cycle per call that only the cycle collector frees
    (a plan masks every object when the run has a credential, with the collector paused:
    cli.collector_paused)."""

    def __init__(
        self,
        secrets: Secrets,
        credentials: Collection[str],
        literals: Collection[str],
        run_literals: re.Pattern[str] | None,
        live: bool,
    ) -> None:
        self.result = MaskedState(None)
        self.secrets = secrets
        self.wanted = frozenset(credentials)
        own = literal_pattern(literals)
        self.hunted = [p for p in (own, run_literals) if p is not None]
        self.live = live

    def walk(self, node: Any, parts: list[PathPart], credential: bool, twin: Any) -> Any:
        wanted, secrets, live, result = self.wanted, self.secrets, self.live, self.result
        credential = credential or (bool(wanted) and format_path(parts) in wanted)
        if isinstance(node, dict):
            out: dict[Any, Any] = {}
            for key, value in node.items():
                shown = key
                if live and not _public_key(twin, key) and _holds_secret(key, secrets):
                    shown = _masked_key(out)
                out[shown] = self.walk(value, [*parts, shown], credential, _child(twin, key))
            return out
        if isinstance(node, list):
            return [
                self.walk(v, [*parts, i], credential, _child(twin, i)) for i, v in enumerate(node)
            ]
        if isinstance(node, str):
            template = secrets.template_for(node)
            if template is not None:
                if not live:
                    result.templates[format_path(parts)] = template
                remember_secrets([node], whole=VALID_ENV_REFERENCE.fullmatch(template) is not None)
                return MASK
            if node and (credential or any(p.search(node) for p in self.hunted)):
                if not live:
                    result.literal[format_path(parts)] = node
                # written literally, it may hold the template's own text (`Bearer`, a
                # parameter's reference): masked whole, its pieces not known secret, but
                # for those secret by where they stand (a header's token)
                remember_secrets([node], whole=False)
                remember_secrets(secret_pieces(node))
                return MASK
        return node


# A credential written literally is hunted for in other fields when it is this long and
# holds a digit, as tokens and URLs that carry one do: a header's `true`, `no-cache` or
# `application/json` would mask every query or description holding the word (and a saved
# plan could not carry them).
MIN_LITERAL_CREDENTIAL_LENGTH = 12


def _hunted(value: str) -> bool:
    return len(value) >= MIN_LITERAL_CREDENTIAL_LENGTH and any(c.isdigit() for c in value)


# The part of a credential that is secret by where it stands, hunted in other fields on its
# own when it has MIN_SECRET_PIECE_LENGTH characters (a note quoting the token of its
# `Bearer <token>` header, not the header): the token after an auth scheme that starts the
# value or follows `:`, `=` or a quote (a header's, or one quoted in a body; not the word
# after "token" in a body's prose), a URL's password (`user:<password>@`), the value of a
# URL query parameter named like a credential (`?api_token=<value>`). Another query value
# is hunted by `_hunted`'s rule (`?region=us-east-1` must not hide every description
# naming the region). A piece holding `{{` is a reference the system fills in (`Bearer
# {{param.hookToken}}`), not the secret: a message naming the parameter must stay whole.
MIN_SECRET_PIECE_LENGTH = 8
_SECRET_PIECES = re.compile(
    r"(?:^|[:=\"'][ \t]*)(?:bearer|basic|token)[ \t]+(?P<token>[^\s,;\"']+)"
    r"|://[^\s/?#@:]*:(?P<password>[^\s/?#@]+)@"
    r"|[?&](?P<name>[^\s=&#]*)=(?P<value>[^\s&#]+)",
    re.IGNORECASE,
)
_CREDENTIAL_PARAMETER = re.compile(r"token|key|secret|sig|pass|pwd|auth|cred", re.IGNORECASE)


def secret_pieces(value: str) -> list[str]:
    """The parts of a credential `value` that are secrets on their own (_SECRET_PIECES)."""
    pieces: list[str] = []
    for found in _SECRET_PIECES.finditer(value):
        piece = found["token"] or found["password"]
        if piece is None:
            piece = found["value"]
            if not _CREDENTIAL_PARAMETER.search(found["name"]) and not _hunted(piece):
                continue
        if len(piece) >= MIN_SECRET_PIECE_LENGTH and "{{" not in piece:
            pieces.append(piece)
    return pieces


def literal_pattern(literals: Collection[str]) -> re.Pattern[str] | None:
    """Any of `literals` worth looking for inside other text (`_hunted`), and their
    `secret_pieces`, longest first."""
    hunted = {v for v in literals if _hunted(v)}
    hunted.update(piece for value in literals for piece in secret_pieces(value))
    long_enough = sorted(hunted, key=len)
    if not long_enough:
        return None
    return re.compile("|".join(map(re.escape, reversed(long_enough))))


def holds_literal(state: Any, pattern: re.Pattern[str]) -> bool:
    """Some string value of `state` (not a key: `mask` hides no key for a literal) holds
    what `pattern` looks for: masked again with it, `state` would change."""
    if isinstance(state, str):
        return pattern.search(state) is not None
    if isinstance(state, dict):
        return any(holds_literal(value, pattern) for value in state.values())
    if isinstance(state, list):
        return any(holds_literal(value, pattern) for value in state)
    return False


def credential_strings(state: Any, paths: Collection[str]) -> list[str]:
    """Every string at or below `paths` in `state`: the values its credential paths hold."""
    return [text for path in paths for text in strings_in(get_path(state, path))]


def strings_in(node: Any, *, keys: bool = False) -> list[str]:
    """Every string in a JSON-like value, in order; with `keys`, its mappings' keys too."""
    found: list[str] = []
    _collect_strings(node, keys, found)
    return found


def _collect_strings(node: Any, keys: bool, found: list[str]) -> None:
    # a function of the module, not a closure calling itself: that closure and its cell
    # refer to each other, a cycle per call that only the cycle collector frees (20,000
    # of them in a plan of 20,000 objects, which runs with the collector paused)
    if isinstance(node, str):
        found.append(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            if keys:
                _collect_strings(key, keys, found)
            _collect_strings(value, keys, found)
    elif isinstance(node, list):
        for value in node:
            _collect_strings(value, keys, found)


_NO_TWIN = object()


def _child(twin: Any, part: PathPart) -> Any:
    """`twin`'s own value at key or index `part`, or _NO_TWIN."""
    if isinstance(twin, dict) and isinstance(part, str):
        return twin.get(part, _NO_TWIN)
    if isinstance(twin, list) and isinstance(part, int) and 0 <= part < len(twin):
        return twin[part]
    return _NO_TWIN


def _public_key(twin: Any, key: Any) -> bool:
    """The desired state has `key` here: the manifest's own text or a field of the kind."""
    return isinstance(twin, dict) and key in twin


def _holds_secret(key: Any, secrets: Secrets) -> bool:
    return isinstance(key, str) and secrets.template_for(key) is not None


def _masked_key(siblings: Mapping[Any, Any]) -> str:
    """MASK, numbered when a dict has several keys that hold secrets."""
    number = 1
    shown = MASK
    while shown in siblings:
        number += 1
        shown = f"(sensitive {number})"
    return shown


def mask_path(path: str, secrets: Secrets, desired: Any = None) -> str:
    """A changed path with a live state's key that holds a secret shown as MASK, as `mask`
    shows it (keys the `desired` state has at that place are shown as they are)."""
    if not secrets.replacements:
        return path
    shown: list[PathPart] = []
    twin = desired
    for part in parse_path(path):
        hidden = not _public_key(twin, part) and _holds_secret(part, secrets)
        shown.append(MASK if hidden else part)
        twin = _child(twin, part)
    return format_path(shown)


# -- scrubbing messages ---------------------------------------------------------------

_remembered: set[str] = set()
_remembered_whole: set[str] = set()  # secret through and through: pieces of them too
_remembered_lock = threading.Lock()


def quoted_forms(value: str) -> tuple[str, ...]:
    """`value` as written and as a message may quote it: with repr()'s escapes ("\\n",
    "\\x01"), ascii()'s, and JSON's (an API's error echoing the request: `\\"`, `\\\\`,
    `\\u00e9`)."""
    return tuple(
        dict.fromkeys(
            (
                value,
                repr(value)[1:-1],
                ascii(value)[1:-1],
                json.dumps(value, ensure_ascii=False)[1:-1],
                json.dumps(value)[1:-1],
            )
        )
    )


def remember_secrets(values: Iterable[str], *, whole: bool = True) -> None:
    """Values `redact_secrets` removes from any text, in each of their `quoted_forms`,
    from now on, in this process. `whole`: each value is a secret through and through (a
    variable's own value), so a message quoting a piece of it is masked too."""
    long_enough = {v for v in values if len(v) >= MIN_BARE_SECRET_LENGTH}
    new = long_enough - _remembered_whole if whole else long_enough - _remembered
    if new:
        forms = {form for value in new for form in quoted_forms(value)}
        with _remembered_lock:
            _remembered.update(forms)
            if whole:
                _remembered_whole.update(new)


def forget_secrets() -> None:
    """Start a command with nothing remembered: one command's secrets are its own (a
    process that runs several, as tests do, must not scrub one's text with another's)."""
    with _remembered_lock:
        _remembered.clear()
        _remembered_whole.clear()


# A piece of a message in quotes: checkers quote a token of a value (a J1QL word, a query
# name inside a condition's `queries.NAME.total`), which may be a piece of a secret.
_QUOTED_PIECE = re.compile(r"(['\"`])([^'\"`\n]+)\1")


def redact_secrets(text: str) -> str:
    """`text` with every remembered secret (longest first) replaced by MASK, and every
    quoted piece of one (`'hunter2'` of a variable set to `hunter2 TOPSECRET`, or a piece
    running into one from the text around it: the quotes kept, MASK between them)."""
    with _remembered_lock:
        known = sorted(_remembered, key=len, reverse=True)
        whole = list(_remembered_whole)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    if whole:
        text = _QUOTED_PIECE.sub(lambda m: _piece(m, whole), text)
    return text


def _piece(quoted: re.Match[str], secrets: Collection[str]) -> str:
    piece = quoted.group(2)
    if len(piece) >= MIN_BARE_SECRET_LENGTH and any(_shares(piece, s) for s in secrets):
        return f"{quoted.group(1)}{MASK}{quoted.group(1)}"
    return quoted.group(0)


def _shares(piece: str, secret: str) -> bool:
    """`piece` is part of `secret`, or runs into it (MIN_BARE_SECRET_LENGTH characters of
    its start or end are the end or start of `secret`)."""
    if piece in secret:
        return True
    for size in range(MIN_BARE_SECRET_LENGTH, min(len(piece), len(secret)) + 1):
        if piece.endswith(secret[:size]) or piece.startswith(secret[-size:]):
            return True
    return False


def missing_variables(template: str, env: Mapping[str, str]) -> list[str]:
    """The variables `template` names that have no value (env_reference.has_value)."""
    return [name for name in VALID_ENV_REFERENCE.findall(template) if not has_value(name, env)]


def resolve_template(template: str, env: Mapping[str, str]) -> str:
    """Put the environment's values into `${env:NAME}` references; unset (or empty) is an
    error."""
    missing = missing_variables(template, env)
    if missing:
        raise ConfigError(unset_problem(missing[0], env))
    return VALID_ENV_REFERENCE.sub(lambda ref: env[ref.group(1)], template)


REDACTED = "(redacted)"


def redact_key(text: str, key: str | None) -> str:
    """`text` with a credential (an API key, a token) replaced by REDACTED; one shorter
    than MIN_BARE_SECRET_LENGTH is left alone (it would be replaced letter by letter)."""
    if not key or len(key) < MIN_BARE_SECRET_LENGTH:
        return text
    for form in _credential_forms(key):
        text = text.replace(form, REDACTED)
    return text


@functools.lru_cache(maxsize=64)
def _credential_forms(key: str) -> tuple[str, ...]:
    """`key` as written, as an error message quotes it (`quoted_forms`), and as a server
    echoing a request back may: URL-encoded, and in base64 (standard and URL-safe) at
    each of the three places it may start in an encoded blob (`Authorization: Basic`, a
    header echoed encoded), only the characters the key alone decides. Forms shorter than
    MIN_ENCODED_FORM are left out: too short to be told from other text."""
    forms = list(quoted_forms(key))
    try:  # a key from the environment's bytes: those bytes (os.fsencode's surrogates)
        data = key.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no byte stands for: sent as no byte
        return tuple(f for f in dict.fromkeys(forms) if len(f) >= MIN_ENCODED_FORM)
    forms += [urllib.parse.quote_from_bytes(data, safe=""), urllib.parse.quote_plus(data)]
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode("ascii")
        inside = encoded[(offset * 4 + 2) // 3 : (offset + len(data)) * 4 // 3]
        forms += [inside, inside.replace("+", "-").replace("/", "_")]
    return tuple(f for f in dict.fromkeys(forms) if len(f) >= MIN_ENCODED_FORM)


MIN_ENCODED_FORM = 8
