"""A small J1QL: `FIND <Class|type|*> [WITH cond [AND|OR cond]...] [AS a] [RETURN a.p, ...]
[SKIP n] [LIMIT n]` over the seeded entities.

Conditions compare a property with a quoted string, number, boolean, `undefined` or an
either-of list `('a' or 'b')`, using = != > < >= <=. Keywords are case-insensitive.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]
Predicate = Callable[[JsonObject], bool]

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<op>!=|>=|<=|=|>|<)
    |(?P<punct>[(),*])
    |(?P<number>-?\d+(?:\.\d+)?(?![\w.]))
    |(?P<word>[A-Za-z_@][\w.\-:@]*)
    )""",
    re.VERBOSE,
)
_MISSING = object()


class J1qlError(ValueError):
    """The query is not J1QL this emulator understands."""


@dataclass
class Query:
    target: str
    where: Predicate = field(default=lambda _: True)
    alias: str | None = None
    returns: list[tuple[str, str]] = field(default_factory=list)  # (property, column)
    skip: int = 0
    limit: int | None = None


def substitute(text: str, variables: JsonObject | None) -> str:
    """Replace ${name} with the JSON literal of the variable."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if not variables or name not in variables:
            raise J1qlError(f"Missing query variable: {name}")
        return json.dumps(variables[name])

    return re.sub(r"\$\{(\w+)\}", value, text)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise J1qlError(f"Error parsing query: unexpected input at position {pos}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def keyword(self, *words: str) -> bool:
        kind, text = self.peek()
        if kind == "word" and text.upper() in words:
            self.pos += 1
            return True
        return False

    def take(self, kind: str, text: str | None = None) -> str:
        got_kind, got_text = self.peek()
        if got_kind != kind or (text is not None and got_text != text):
            raise J1qlError(f"Error parsing query: expected {text or kind}, got '{got_text}'")
        self.pos += 1
        return got_text

    def query(self) -> Query:
        if not self.keyword("FIND"):
            raise J1qlError("Error parsing query: a query must start with FIND")
        text = self.peek()[1]
        target = self.take("punct", "*") if text == "*" else self.take("word")
        result = Query(target=target)
        if self.keyword("AS"):
            result.alias = self.take("word")
        if self.keyword("WITH", "THAT"):
            result.where = self.expr()
        if self.keyword("AS"):
            result.alias = self.take("word")
        if self.keyword("RETURN"):
            result.returns = self.returns()
        while self.peek()[0] != "end":
            if self.keyword("SKIP"):
                result.skip = int(self.take("number"))
            elif self.keyword("LIMIT"):
                result.limit = int(self.take("number"))
            else:
                raise J1qlError(f"Error parsing query: unexpected '{self.peek()[1]}'")
        return result

    def returns(self) -> list[tuple[str, str]]:
        columns = []
        while True:
            path = self.take("word")
            column = self.take("word") if self.keyword("AS") else path
            columns.append((path, column))
            if self.peek() != ("punct", ","):
                return columns
            self.pos += 1

    def expr(self) -> Predicate:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else lambda e: any(p(e) for p in parts)

    def conjunction(self) -> Predicate:
        parts = [self.comparison()]
        while self.keyword("AND"):
            parts.append(self.comparison())
        return parts[0] if len(parts) == 1 else lambda e: all(p(e) for p in parts)

    def comparison(self) -> Predicate:
        if self.peek() == ("punct", "("):
            self.pos += 1
            inner = self.expr()
            self.take("punct", ")")
            return inner
        prop = self.take("word")
        op = self.take("op")
        values = self.values()
        return lambda e: _compare(e.get(prop, _MISSING), op, values)

    def values(self) -> list[Any]:
        if self.peek() != ("punct", "("):
            return [self.value()]
        self.pos += 1
        values = [self.value()]
        while self.keyword("OR"):
            values.append(self.value())
        self.take("punct", ")")
        return values

    def value(self) -> Any:
        kind, text = self.peek()
        self.pos += 1
        if kind == "string":
            return json.loads('"' + text[1:-1].replace('"', '\\"').replace("\\'", "'") + '"')
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "word" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if kind == "word" and text.lower() in ("undefined", "null"):
            return _MISSING
        raise J1qlError(f"Error parsing query: expected a value, got '{text}'")


def _compare(actual: Any, op: str, values: list[Any]) -> bool:
    candidates = actual if isinstance(actual, list) else [actual]
    if op == "!=":
        return not _compare(actual, "=", values)
    for candidate in candidates:
        for value in values:
            if op == "=" and (candidate == value or (candidate is None and value is _MISSING)):
                return True
            if op in (">", "<", ">=", "<=") and _ordered(candidate, op, value):
                return True
    return False


_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def _ordered(left: Any, op: str, right: Any) -> bool:
    numbers = (int, float)
    both_numbers = isinstance(left, numbers) and isinstance(right, numbers)
    both_strings = isinstance(left, str) and isinstance(right, str)
    return (both_numbers or both_strings) and bool(_ORDER[op](left, right))


def parse(text: str, variables: JsonObject | None = None) -> Query:
    return _Parser(substitute(text, variables)).query()


def matches_target(entity: JsonObject, target: str) -> bool:
    if target == "*":
        return True
    classes = entity.get("_class") or []
    types = entity.get("_type") or []
    classes = classes if isinstance(classes, list) else [classes]
    types = types if isinstance(types, list) else [types]
    return target in classes or target in types


def run(query: Query, entities: list[JsonObject]) -> tuple[str, list[JsonObject]]:
    """(result type, rows): "list" of entity documents, or "table" for RETURN."""
    found = [e for e in entities if matches_target(e, query.target) and query.where(e)]
    found = found[query.skip :]
    if query.limit is not None:
        found = found[: query.limit]
    if query.returns:
        return "table", [_row(query, e) for e in found]
    return "list", [_document(e) for e in found]


def _row(query: Query, entity: JsonObject) -> JsonObject:
    row = {}
    for path, column in query.returns:
        alias, _, prop = path.partition(".")
        if query.alias is None or alias != query.alias or not prop:
            raise J1qlError(f"Error parsing query: cannot return '{path}'")
        row[column] = entity.get(prop)
    return row


def _document(entity: JsonObject) -> JsonObject:
    """An entity as the list result shows it: id, entity metadata, properties."""
    meta = {k: v for k, v in entity.items() if k.startswith("_") or k == "displayName"}
    properties = {k: v for k, v in entity.items() if k not in meta and k != "id"}
    return {"id": entity["_id"], "entity": meta, "properties": properties}
