"""A J1QL checker, written from JupiterOne's language reference.

`check_query(text)` never calls a valid query broken: it reports an error only for what
is certainly wrong (an unclosed quote, comment or variable, unbalanced parentheses, a
clause out of order, an alias used but never defined, a SKIP or LIMIT that is not a whole
number, an empty filter) and a warning for anything else it does not understand. Results
are cached per query text: ten thousand manifests sharing queries check each text once.
"""

from __future__ import annotations

import functools
import re

from j1sync.providers.jupiterone.j1ql.findings import Finding, ParameterUse, QueryCheck, Severity
from j1sync.providers.jupiterone.j1ql.parser import QueryParser
from j1sync.providers.jupiterone.j1ql.tokens import Token, TokenizeError, tokenize

__all__ = ["Finding", "ParameterUse", "QueryCheck", "check_query"]

_PARAMETER = re.compile(r"^param\.(\w+)$")


@functools.lru_cache(maxsize=4096)
def check_query(text: str) -> QueryCheck:
    try:
        tokens = tokenize(text)
    except TokenizeError as exc:
        return QueryCheck((Finding("error", exc.message, exc.start, exc.end),), ())
    parameters = tuple(
        ParameterUse(match.group(1), token.start, token.end)
        for token in tokens
        if token.kind == "var" and (match := _PARAMETER.match(token.text.replace(" ", "")))
    )
    unbalanced = _unbalanced_parentheses(tokens)
    if unbalanced:
        return QueryCheck((unbalanced,), parameters)
    parser = QueryParser(tokens)
    parser.parse()
    findings = list(parser.findings)
    if parser.complete:
        findings += _undefined_aliases(parser)
    return QueryCheck(tuple(findings), parameters)


def _unbalanced_parentheses(tokens: list[Token]) -> Finding | None:
    open_at: list[Token] = []
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text == "(":
            open_at.append(token)
        elif token.text == ")":
            if not open_at:
                return Finding("error", "')' closes no '('", token.start, token.end)
            open_at.pop()
    if open_at:
        token = open_at[-1]
        return Finding("error", "'(' is never closed with ')'", token.start, token.end)
    return None


def _undefined_aliases(parser: QueryParser) -> list[Finding]:
    """Selectors named after WHERE, in RETURN and ORDER BY must be defined: by AS, or as
    a class, type or verb the query names (`FIND User ... RETURN User.name`). A dotted
    name (`u.email`) with no such selector is an error; a bare word may be something the
    reference does not describe, and is a warning."""
    known = set(parser.aliases) | parser.selectors
    checks = [(token, known) for token in parser.references]
    checks += [(token, known | parser.columns) for token in parser.order_references]
    for token, names in checks:
        name = token.text.split(".", 1)[0]
        if name.lower() in names:
            continue
        defined = ", ".join(sorted(t.text for t in parser.aliases.values())) or "none"
        message = (
            f"'{name}' is not defined: no AS {name} and no class, type or verb of that "
            f"name in the query (aliases: {defined})"
        )
        severity: Severity = "error" if "." in token.text else "warning"
        return [Finding(severity, message, token.start, token.start + len(name))]
    return []
