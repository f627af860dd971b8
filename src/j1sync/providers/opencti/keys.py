"""Which names OpenCTI counts as one: the platform's own folding of a natural key, stated
once for j1sync's kinds and its emulator.

OpenCTI derives an object's standard id from its key fields after its `normalizeName`
(opencti-graphql schema/identifier.js: JavaScript's `toLowerCase().trim()`) for a `name`
or a `value` (labels, roles, groups, capabilities, status templates, vocabulary entries),
and after `toUpperCase()` for a marking's `definition` and `definition_type`; a kill chain
phase's names are kept as they are. An `xxxAdd` whose key folds to an existing object's
returns that object (an upsert), and a rename onto one is refused ("This update will lead
to a duplicated entity"): `Analysts` and `analysts` are one group, `phishing` and
` phishing ` one label (labelAdd also trims the value it stores).

A leaf module (no other j1sync import), as values.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# JavaScript's String.prototype.trim: WhiteSpace (tab, vertical tab, form feed, space,
# no-break space, the byte order mark and every Zs space) and LineTerminator (line feed,
# carriage return, U+2028, U+2029); Python's str.strip() differs (it strips \x1c-\x1f and
# \x85, keeps U+FEFF).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRIM = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$")


def js_trim(text: str) -> str:
    """`text.trim()`, as OpenCTI's JavaScript does it."""
    return _JS_TRIM.sub("", text)


def normalize_name(text: str) -> str:
    """OpenCTI's `normalizeName`: lowercase, outer whitespace taken off."""
    return js_trim(text.lower())


def upper(text: str) -> str:
    return text.upper()


# entity type -> key field -> how OpenCTI folds it before deriving the standard id (a key
# field not listed is taken as it is)
KEY_FOLDS: Mapping[str, Mapping[str, Callable[[str], str]]] = {
    "Marking-Definition": {"definition_type": upper, "definition": upper},
    "Label": {"value": normalize_name},
    "Kill-Chain-Phase": {},
    "Vocabulary": {"name": normalize_name},
    "Role": {"name": normalize_name},
    "Group": {"name": normalize_name},
    "Capability": {"name": normalize_name},
    "Status-Template": {"name": normalize_name},
}


def folded(entity_type: str, field: str, value: str) -> str:
    """`value` of key field `field` of an `entity_type` object as OpenCTI compares it."""
    fold = KEY_FOLDS.get(entity_type, {}).get(field)
    return fold(value) if fold is not None else value
