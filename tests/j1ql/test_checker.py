"""The checker on every construct of the language reference (valid: no finding at all),
and on what is certainly broken (an error at the exact offset)."""

from __future__ import annotations

import pytest

from j1sync.providers.jupiterone.j1ql import check_query

VALID = [
    # FIND: classes, types, *, smart classes, alternatives, full text, UNIQUE, keywords' case
    "FIND User",
    "find aws_iam_user",
    "Find * with encrypted = false",
    "FIND #CriticalAsset that has Finding",
    "FIND #Production Application",
    "FIND (Host|Device) WITH ipAddress='10.50.2.17'",
    "FIND (Database | aws_s3_bucket)",
    "Find \"127.0.0.1\" with _class='Host'",
    '"127.0.0.1"',
    "FIND UNIQUE User AS u THAT IS Person AS p RETURN u.username, p.email",
    # WITH: every comparison, AND/OR/NOT, parentheses, shorthand, undefined, [special]
    "FIND Host WITH a = 'x' AND b != 'x' AND c > 1 AND d < 2 AND e >= 3 AND f <= 4",
    "FIND Person WITH a ~= 'x' OR b ^= 'J' OR c $= '.com'",
    "FIND Person WITH a !~= 'x' AND b !^= 'J' AND c !$= '.com'",
    "FIND DataStore WITH encrypted = false AND (tag.Production = true and classification = 'c')",
    "FIND DataStore WITH NOT encrypted = true",
    "FIND user_endpoint WITH platform = ('darwin' OR 'linux')",
    "Find DataStore WITH classification != ('critical' and 'restricted')",
    "FIND DataStore with encrypted=undefined",
    "FIND Host WITH [tag.special-name]='something'",
    "FIND Host WITH name = /web-\\d+/i",
    # dates, variables, parameters
    "Find DataStore with createdOn > date.now - 1 day",
    "Find CodeRepo with _beginOn > date.now-24hr and _version=1",
    "Find DataStore with createdOn > date(2019-10-30)",
    "Find DataStore with createdOn > date(2019-10-30T10:00:00.000Z)",
    "FIND Application WITH loginUrl = ${ param.loginUrl }",
    "find Person with _type=${type} return Person.name",
    # THAT: verbs, TO, RELATES TO, alternatives, direction, negation, aliases, optional
    "FIND User THAT CONTRIBUTES TO CodeRepo",
    "FIND Service THAT RELATES TO Account",
    "FIND HostAgent THAT (MONITORS|PROTECTS) Host",
    "FIND User THAT HAS >> Device",
    "Find Device THAT HAS << User",
    "Find User that !RELATES TO Person",
    "FIND Firewall AS fw THAT ALLOWS AS rule * AS n WHERE rule.ingress=true",
    "Find User (that IS Person that OWNS Device)?",
    "Find User (that is Person)? as userOrPerson that owns Device "
    "Where userOrPerson.email = 'test@jupiterone.com' Return userOrPerson, Device",
    # WHERE, RETURN, aggregates, CONCAT, math, ORDER BY, SKIP, LIMIT, comments
    "FIND Account as acct that has User as user return acct._type, count(user)",
    "FIND User AS u THAT IS Person AS p RETURN u.*, p.*, p.[special-name]",
    "FIND aws_s3_bucket as s3 RETURN CONCAT(s3.bucketSizeBytes, ' bytes') as size",
    "FIND Risk as r RETURN FLOOR(ABS(r.impact - 5) / r.probability) as score ORDER BY score",
    "FIND Person WITH manager = undefined as u ORDER BY u.username SKIP 10 LIMIT 5",
    "FIND * AS e RETURN e._class, COUNT(e) AS n ORDER BY n DESC LIMIT 50",
    "Find Firewall that PROTECTS Host with public = true RETURN tree",
    "FIND aws_security_group WITH displayName ~='elb' /*ELB*/ OR displayName ~='lambda'",
    "FIND x AS v RETURN COUNT(v) AS n HAVING n > 50",
]


@pytest.mark.parametrize("query", VALID)
def test_valid_constructs_have_no_finding(query: str) -> None:
    assert check_query(query).findings == ()


BROKEN = [
    # (query, message, the text under the caret)
    ("FIND User WITH name = 'bob", "string opened with ' is never closed", "'"),
    ('FIND User WITH name = "bob', 'string opened with " is never closed', '"'),
    ("FIND User /* no end", "comment '/*' is never closed with '*/'", "/*"),
    ("FIND User WITH a = ${ param.x", "variable '${' is never closed with '}'", "${"),
    ("FIND User WITH [tag.x = 1", "'[' is never closed with ']'", "["),
    ("FIND (Host|Device WITH a = 1", "'(' is never closed with ')'", "("),
    ("FIND User WITH a = 1)", "')' closes no '('", ")"),
    ("FIND User AS u RETURN u.name WHERE u.a = 1", "WHERE must come before RETURN", "WHERE"),
    ("FIND User AS u LIMIT 5 ORDER BY u.name", "ORDER must come before LIMIT", "ORDER"),
    (
        "FIND User AS u WHERE u.a = 1 THAT HAS Device",
        "a traversal (THAT) cannot follow WHERE: "
        "it comes before WHERE, RETURN, ORDER BY, SKIP and LIMIT",
        "THAT",
    ),
    ("FIND User LIMIT 5 LIMIT 6", "LIMIT is given twice", "LIMIT"),
    (
        "FIND User AS u THAT IS Person RETURN x.name",
        "'x' is not defined: no AS x and no class, "
        "type or verb of that name in the query (aliases: u)",
        "x",
    ),
    (
        "FIND User AS u WHERE p.a = 1",
        "'p' is not defined: no AS p and no class, type or verb "
        "of that name in the query (aliases: u)",
        "p",
    ),
    ("FIND User LIMIT -1", "LIMIT takes a whole number of 0 or more, not -1", "-"),
    ("FIND User SKIP 1.5", "SKIP takes a whole number of 0 or more, not '1.5'", "1.5"),
    ("FIND User LIMIT", "LIMIT takes a whole number of 0 or more, not the end of the query", ""),
    ("FIND User WITH", "empty filter: WITH is followed by the end of the query", ""),
    ("FIND User WITH RETURN", "empty filter: WITH is followed by 'RETURN'", "RETURN"),
    ("FIND User WITH a = 1 AND", "empty filter: nothing after AND", ""),
    ("FIND User WITH ()", "empty filter: '()' holds no condition", "("),
    ("FIND User WITH a = ()", "empty filter: '()' holds no value", "("),
    ("FIND User WITH a =", "empty filter: 'a =' has no value", ""),
    ("FIND User AS u RETURN", "RETURN is followed by nothing to return", ""),
    ("FIND", "FIND names nothing to find", ""),
    ("FIND User THAT", "THAT needs a relationship verb, found the end of the query", ""),
]


@pytest.mark.parametrize(("query", "message", "spot"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_queries_have_one_located_error(query: str, message: str, spot: str) -> None:
    errors = check_query(query).errors
    assert [e.message for e in errors] == [message]
    error = errors[0]
    if spot:
        assert query[error.start : error.end] == spot
    else:
        assert error.start == len(query)


@pytest.mark.parametrize(
    "query",
    [
        "FIND User AS u WITH active = true",  # AS before WITH
        "FIND User WITH x = y",  # an unquoted value
        "FIND User WHERE active = true",  # WHERE without a selector
        "FIND User RETURN name",  # a bare word in RETURN
        "FIND SHORTEST PATH User",
        "FIND User WITH created > date.now - 3 fortnights",
        "FIND User AS u RETURN median(u.age)",
        "FIND u AS x RETURN x.a AS “Quoted”",
    ],
)
def test_doubtful_queries_are_warnings_never_errors(query: str) -> None:
    check = check_query(query)
    assert check.errors == () and len(check.warnings) == 1


def test_parameters_are_collected_with_their_offsets() -> None:
    query = "FIND Application WITH loginUrl = ${ param.loginUrl } AND x = ${type}"
    (use,) = check_query(query).parameters
    assert use.name == "loginUrl"
    assert query[use.start : use.end] == "${ param.loginUrl }"


def test_a_long_query_is_checked_in_linear_time() -> None:
    """Ten times the conditions take about ten times as long (a quadratic checker would
    take a hundred): the two sizes are timed in the same run, so only their ratio counts."""
    import time

    def seconds(conditions: int) -> float:
        query = "FIND User WITH " + " AND ".join(f"p{i} = 'v{i}'" for i in range(conditions))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            assert check_query(query).findings == ()
            best = min(best, time.perf_counter() - started)
        return best

    assert seconds(20_000) / seconds(2_000) < 40


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # an escaped line break inside a regular expression does not end it
        ("FIND User WITH a = /x\\\ny/ AND b = 'c'", []),
        ("FIND User WITH a = /ab", [("error", "/", 19)]),
        # an unclosed `[` after a name's dot points at the `[`
        ("FIND User AS u WHERE u.[a = 1", [("error", "[", 23)]),
        ("FIND User WITH d = date ( 2020-01-01 ) AND e = 1", []),
        # `<<` is a direction, even before `=`
        ("FIND User WITH a <<= 1", [("warning", "<<", 17)]),
        ("FIND User WITH a = 'it\\'s' AND b = \"q\\\"\"", []),
        ("FIND User WITH a = 'x\\", [("error", "'", 19)]),
        ("FIND @x.y.[z].* AS n RETURN n.*", []),
        ("FIND User WITH a = 1 /* a comment */ AND b = 2", []),
        ("FIND User WITH a = 1 /* never closed", [("error", "/*", 21)]),
    ],
)
def test_tokens_at_their_edges(query: str, found: list[tuple[str, str, int]]) -> None:
    """What the tokenizer must keep exactly: where a regex, string, bracket or comment
    ends (or is never closed), and which symbol a run of `<` starts."""
    check = check_query(query)
    assert [(f.severity, query[f.start : f.end], f.start) for f in check.findings] == found
