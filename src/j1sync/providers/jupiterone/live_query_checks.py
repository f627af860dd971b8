"""What `plan` checks against the account besides the plan: the parameters the manifests
name, and (`plan --check-queries`) the new or changed queries, asked of the API.

Parameters: a `${ param.X }` of a query or a `{{param.X}}` of a rule field must name a
Parameter manifest or a parameter of the account (read with parameterList only when a
manifest names one that no manifest declares).

Queries: each query text that no live question or rule already holds is sent once to
`queryV1` with `dryRun: true`. dryRun is in the API's schema but undocumented, and what
it does live is unproven: when the API refuses the argument, the query runs instead with
`LIMIT 1` (as written when it has a LIMIT of its own). Queries go through a token bucket
of the J1QL rate limit (rate-limiting-j1ql.md: 120 queries per 120 s by default), apart
from the GraphQL one."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from j1sync.engine.contract import LiveObject
from j1sync.errors import ApiError, BadUserInput, ManifestError, ManifestProblem
from j1sync.http.ratelimit import RateLimit, TokenBucket
from j1sync.manifest.document import Manifest, ManifestSet
from j1sync.manifest.yaml_source import YamlDocument, read_documents
from j1sync.providers.jupiterone.checks.query_checks import (
    ParameterReference,
    declared_parameters,
    located_problem,
    parameter_references,
    query_fields,
    unknown_parameter_message,
)
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.models.parameter import KIND as PARAMETER_KIND
from j1sync.providers.jupiterone.parameters import ParameterStore
from j1sync.reconcile import PlannedRun

# rate-limiting-j1ql.md: 120 queries per 120 s per account by default. No answer says how
# much of the bucket is left, so the pace is its rate (one a second) with a burst ten
# queries short of it: the bucket counts a query when it arrives, the pace when it is sent
# (a bucketful sent at once arrives spread out: the 121st, paced a second after the first
# was sent, met a 429), and other clients of the account may be using it too.
J1QL_RATE_LIMIT = RateLimit(110, 110.0)

DRY_RUN = """
query J1SyncCheckQuery($query: String!) {
  queryV1(query: $query, dryRun: true) { type }
}
"""
LIMITED_RUN = """
query J1SyncCheckQueryLimited($query: String!) {
  queryV1(query: $query) { type }
}
"""
_HAS_LIMIT = re.compile(r"\bLIMIT\s+\S+\s*$", re.IGNORECASE)
_POSITION = re.compile(r"at line (\d+) column (\d+)")
_CLIENT_PREFIX = re.compile(r"^JupiterOne API \([^)]*\): ")


def parameter_problems(
    manifests: ManifestSet,
    store: ParameterStore,
    references: Sequence[ParameterReference] | None = None,
    deleted: frozenset[str] = frozenset(),
) -> list[ManifestProblem]:
    """The references to parameters neither declared nor in the account (`references`:
    the manifests' own, when found already; `deleted`: the parameters the plan deletes,
    which the account will not hold)."""
    declared = declared_parameters(manifests.manifests)
    if references is None:
        references = parameter_references(manifests.manifests)
    unknown = [r for r in references if r.name not in declared]
    if not unknown:
        return []
    known = declared | (store.names() - deleted)
    problems = []
    for reference in unknown:
        if reference.name not in known:
            message = (
                f"parameter '{reference.name}' is deleted by this plan (prune is enabled "
                "for Parameter and no manifest declares it); declare it in a Parameter manifest"
                if reference.name in deleted
                else unknown_parameter_message(reference.name, known)
            )
            problems.append(
                located_problem(
                    reference.manifest,
                    document_of(reference.manifest),
                    reference.path,
                    reference.text,
                    reference.start,
                    reference.end,
                    message,
                )
            )
    return problems


def query_problems_from_api(
    manifests: ManifestSet, live: Sequence[LiveObject], client: JupiterOneClient
) -> list[ManifestProblem]:
    """Each new or changed query asked of the API once; its refusals as problems."""
    already_live = set(_live_queries(live))
    asked: dict[str, str | None] = {}
    bucket = TokenBucket(J1QL_RATE_LIMIT)
    dry_run = True
    problems = []
    for manifest in manifests.manifests:
        for field in query_fields(manifest):
            if field.text in already_live:
                continue
            if field.text not in asked:
                bucket.acquire()
                refusal, dry_run = _ask(client, field.text, dry_run)
                asked[field.text] = refusal
            refusal = asked[field.text]
            if refusal is not None:
                start = _offset(field.text, refusal)
                message = f"JupiterOne refused the query: {refusal.splitlines()[0]}"
                problems.append(
                    located_problem(
                        manifest,
                        document_of(manifest),
                        field.path,
                        field.text,
                        start,
                        start + 1,
                        message,
                    )
                )
    return problems


def _ask(client: JupiterOneClient, query: str, dry_run: bool) -> tuple[str | None, bool]:
    """(the API's refusal or None, whether dryRun is still worth sending)."""
    if dry_run:
        try:
            client.execute("graphql", DRY_RUN, {"query": query})
            return None, True
        except BadUserInput as exc:
            if "dryRun" not in str(exc):
                return _CLIENT_PREFIX.sub("", str(exc)), True
    limited = query if _HAS_LIMIT.search(query) else f"{query}\nLIMIT 1"
    try:
        client.execute("graphql", LIMITED_RUN, {"query": limited})
    except BadUserInput as exc:
        return _CLIENT_PREFIX.sub("", str(exc)), False
    except ApiError:
        raise
    return None, False


def _offset(query: str, message: str) -> int:
    """The query offset the API's `at line L column C` names (1-based), else 0."""
    match = _POSITION.search(message)
    if not match:
        return 0
    line, column = int(match.group(1)), int(match.group(2))
    lines = query.split("\n")
    if line > len(lines):
        return 0
    return min(sum(len(x) + 1 for x in lines[: line - 1]) + column - 1, len(query) - 1)


def _live_queries(live: Sequence[LiveObject]) -> Iterator[str]:
    for obj in live:
        yield from _query_strings(obj.state)


def _query_strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "query" and isinstance(item, str):
                yield item
            else:
                yield from _query_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _query_strings(item)


def document_of(manifest: Manifest) -> YamlDocument:
    """The manifest's document, read again (only to locate a problem)."""
    documents, _ = read_documents(Path(manifest.source.file), manifest.source.file)
    for document in documents:
        if document.start == manifest.source:
            return document
    return YamlDocument(manifest.source.file, 0, CommentedMap(), manifest.source)


def check_against_account(provider: object, run: PlannedRun, *, check_queries: bool) -> None:
    """Raise ManifestError for unknown parameters and (with `check_queries`) the queries
    the API refuses. Only a JupiterOne provider is asked."""
    from j1sync.providers.jupiterone.provider import JupiterOneProvider
    from j1sync.providers.targets import providers_of

    found = [p for p in providers_of(provider) if isinstance(p, JupiterOneProvider)]  # type: ignore[arg-type]
    if not found:
        return
    jupiterone = found[0]
    references = jupiterone.parameter_references(run.manifests.manifests)
    deleted = frozenset(
        c.name for c in run.plan.changes if c.kind == PARAMETER_KIND and c.action == "delete"
    )
    problems = parameter_problems(
        run.manifests, ParameterStore(jupiterone.client), references, deleted
    )
    if check_queries:
        problems += query_problems_from_api(run.manifests, run.live, jupiterone.client)
    if problems:
        raise ManifestError(problems)
