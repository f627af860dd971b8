"""j1sync benchmarks: plan and apply at scale against the emulator (a script, not a test).

    python benchmarks/run.py --objects 10000 --latency-ms 50 --json
    python benchmarks/run.py --objects 10000 --quotas documented --json   # under quota

The emulator runs as a subprocess (`j1sync emulator serve`), so it never shares a CPU
clock with what is measured; each plan runs in a fresh subprocess of this script
(`--measure-plan`), so its CPU time and peak RSS are the plan's own. See
docs/performance.md for what every figure means and how `bound_s` is computed.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

# benchmarks/accounts.py: this script's own folder is first on sys.path
from accounts import DEFAULT_SPLIT, NO_INTEGRATIONS, generated_account
from graphql import get_operation_ast, parse
from ruamel.yaml import YAML

from j1sync.errors import J1SyncError
from j1sync.providers.jupiterone import alert_rules, iam_groups, integration_schedules, questions
from j1sync.providers.jupiterone.client import PAGE_LIMIT, POOL_SIZE
from j1sync.providers.jupiterone.emulator.quotas import Quotas
from j1sync.providers.jupiterone.endpoints import endpoint_url
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.jupiterone.values import ACCOUNT_HEADER

API_KEY = "benchmark-key"
ACCOUNT = "benchmark-account"
PAGE_SIZE = PAGE_LIMIT  # j1sync's page size, served as asked
_LISTENING = re.compile(r"listening on (http://\S+)")
SERVED_PIDS: dict[str, int] = {}  # emulator URL -> its process (for its CPU time)
# the least account in which every kind has an object
MIN_OBJECTS = next(n for n in itertools.count(1) if min(DEFAULT_SPLIT.counts(n).values()) >= 1)


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more: {text!r}")
    return value


def _count(text: str) -> int:
    """A positive whole number (objects, runs, a concurrency)."""
    return _whole(text, 1)


def _milliseconds(text: str) -> int:
    return _whole(text, 0)


def _share(text: str) -> float:
    """A share between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def _size(text: str) -> int:
    """A generated account's size: enough objects that each kind has one."""
    value = _count(text)
    if value < MIN_OBJECTS:
        raise argparse.ArgumentTypeError(
            f"{value} objects give some kind none (the generated account's shares: "
            f"{DEFAULT_SPLIT}); at least {MIN_OBJECTS}"
        )
    return value


def _sizes(text: str) -> list[int]:
    """`--curve N,N,...`: account sizes."""
    return [_size(part.strip()) for part in text.split(",")]


def _quotas(text: str) -> str:
    try:
        Quotas.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=_size, default=10_000)
    parser.add_argument("--latency-ms", type=_milliseconds, default=50)
    parser.add_argument("--changed", type=_share, default=0.10, help="share changed in plan 2")
    parser.add_argument("--creates", type=_count, default=1_000, help="objects the apply creates")
    parser.add_argument("--rate-429", type=_share, default=0.3, help="injected 429s in apply")
    parser.add_argument(
        "--apply-concurrency",
        type=_count,
        default=16,
        help="apply --concurrency of the apply without faults (measured against its bound)",
    )
    parser.add_argument(
        "--apply-only", action="store_true", help="only the apply without faults (quick)"
    )
    parser.add_argument(
        "--quotas",
        default=None,
        type=_quotas,
        help="instead: a plan and an apply (no injected 429s) under the emulator's quotas "
        "('documented' or ACCOUNT_N/S,TOKEN_N/S[,J1QL_N/S]), with the least time those "
        "quotas allow",
    )
    parser.add_argument(
        "--curve",
        default=None,
        type=_sizes,
        metavar="N,N,...",
        help="instead: the whole `j1sync plan` process at each size, one manifest file per "
        "object (as export writes them): seconds, bound, ratio, the emulator's server time "
        "on the critical chain and j1sync's own ratio, peak RSS, emulator CPU",
    )
    parser.add_argument("--runs", type=_count, default=1, help="runs per size of --curve")
    parser.add_argument("--json", action="store_true", help="last line: one JSON object")
    parser.add_argument("--measure-plan", nargs=2, metavar=("URL", "MANIFESTS"), help="internal")
    parser.add_argument(
        "--measure-apply",
        nargs=4,
        metavar=("URL", "MANIFESTS", "N", "EMULATOR_PID"),
        help="internal",
    )
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("run.py: interrupted", file=sys.stderr)
        return 130
    except (
        RuntimeError,
        OSError,
        subprocess.SubprocessError,
        requests.RequestException,
        J1SyncError,
    ) as exc:
        print(f"run.py: error: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if not (args.measure_plan or args.measure_apply):
        byte_compile_j1sync()
    if args.measure_plan:
        print(json.dumps(measure_plan(*args.measure_plan)))
        return 0
    if args.measure_apply:
        url, manifests, concurrency, emulator_pid = args.measure_apply
        print(json.dumps(measure_apply(url, manifests, int(concurrency), int(emulator_pid))))
        return 0
    if args.curve:
        curve = plan_curve(args.curve, args.runs, args.latency_ms)
        if args.json:
            print(json.dumps(curve))
        return 0
    results = run_under_quotas(args) if args.quotas else run(args)
    for key, value in results.items():
        print(f"{key:>28}: {value}", file=sys.stderr)
    if args.json:
        print(json.dumps(results))
    return 0


def byte_compile_j1sync() -> None:
    """Measure j1sync as an installed copy runs: `pip install` leaves bytecode beside every
    module, while an editable checkout has it only once Python could write it (never with
    PYTHONDONTWRITEBYTECODE set, as some CI images and containers do), and compiling ~200
    modules anew costs each process ~0.1 s before its first request."""
    import j1sync

    compileall.compile_dir(Path(j1sync.__file__).parent, quiet=1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"objects": args.objects, "latency_ms": args.latency_ms}
    with tempfile.TemporaryDirectory(prefix="j1sync-bench-") as folder:
        if args.apply_only:
            return {"latency_ms": args.latency_ms, **apply_to_bound(Path(folder), args)}
        work = Path(folder)
        account = generated_account(args.objects)
        write_manifests(work / "manifests", account.manifests)
        changed = generated_account(args.objects, changed_fraction=args.changed)
        write_manifests(work / "changed", changed.manifests)
        counts = account.counts
        with served_emulator(work / "plan", account.seed, args.latency_ms) as url:
            plan = plan_in_subprocess(url, work / "manifests")
            results.update(
                requests=plan["requests"],
                plan_wall_s=plan["wall_s"],
                plan_cpu_s=plan["cpu_s"],
                diff_cpu_s=plan["diff_cpu_s"],
                peak_rss_mb=plan["peak_rss_mb"],
                plan_changes=plan["changes"],
                manifest_load_wall_s=plan["load_wall_s"],
                manifest_load_cpu_s=plan["load_cpu_s"],
                read_and_diff_wall_s=plan["read_and_diff_wall_s"],
            )
            results["bound_s"] = round(bound_s(counts, args.latency_ms), 3)
            results["ratio_to_bound"] = round(plan["wall_s"] / results["bound_s"], 3)
            results["read_and_diff_ratio_to_bound"] = round(
                results["read_and_diff_wall_s"] / results["bound_s"], 3
            )
            official = official_client_read(url)
            results["official_client_wall_s"] = official
            results["ratio_to_official_client"] = round(plan["wall_s"] / official, 3)
            results["read_and_diff_ratio_to_official_client"] = round(
                results["read_and_diff_wall_s"] / official, 3
            )
            changed_plan = plan_in_subprocess(url, work / "changed")
            results["plan_10pct_changed_wall_s"] = changed_plan["wall_s"]
            results["plan_10pct_changed_changes"] = changed_plan["changes"]
        results.update(apply_creates(work / "apply", args))
        results.update(apply_to_bound(work / "apply-to-bound", args))
    return results


def run_under_quotas(args: argparse.Namespace) -> dict[str, Any]:
    """A plan of `--objects` and an apply of `--creates` with the emulator keeping the
    quotas (`serve --quotas`), and the least time the quotas allow each (`quota_bound_s`)."""
    quotas = Quotas.parse(args.quotas)
    results: dict[str, Any] = {"objects": args.objects, "quotas": args.quotas}
    extra = ["--quotas", args.quotas]
    with tempfile.TemporaryDirectory(prefix="j1sync-bench-") as folder:
        work = Path(folder)
        account = generated_account(args.objects)
        write_manifests(work / "manifests", account.manifests)
        invocations = plan_invocations(account.counts)
        with served_emulator(work / "plan", account.seed, args.latency_ms, extra) as url:
            started = time.perf_counter()
            done = _j1sync(["plan", str(work / "manifests"), "--detailed-exitcode"], url)
            elapsed = time.perf_counter() - started
        results.update(
            quota_plan_wall_s=round(elapsed, 3),
            quota_plan_exit_code=done.returncode,
            quota_plan_invocations=invocations,
            quota_plan_bound_s=round(quota_bound_s(quotas, invocations), 1),
            quota_plan_429s=_answered_429(work / "plan"),
        )
        creates = generated_account(args.creates, split=NO_INTEGRATIONS, seeded=False)
        write_manifests(work / "apply" / "manifests", creates.manifests)
        with served_emulator(work / "apply", creates.seed, args.latency_ms, extra) as url:
            command = ["apply", str(work / "apply" / "manifests"), "--auto-approve"]
            started = time.perf_counter()
            done = _j1sync([*command, "--concurrency", "8"], url)
            elapsed = time.perf_counter() - started
        found = re.search(r"(\d+) created, (\d+) updated, (\d+) deleted, (\d+) failed", done.stdout)
        results.update(
            quota_apply_wall_s=round(elapsed, 3),
            quota_apply_exit_code=done.returncode,
            quota_apply_summary=found.group(0) if found else done.stdout[-300:],
            quota_apply_429s=_answered_429(work / "apply"),
        )
    return results


def plan_curve(sizes: Sequence[int], runs: int, latency_ms: int) -> list[dict[str, Any]]:
    """The whole `j1sync plan` process (start-up included) as a user runs it, against an
    emulator seeded with the account, manifests one file per object: wall time against
    `bound_s`, the process's CPU and peak RSS (wait4), the emulator process's CPU over the
    same span, and the emulator's own server time on the critical chain apart
    (`emulator_server_s`, from `serve --timings`; see `critical_chain`) with what it slept
    beyond the latency on that chain (`emulator_oversleep_s`): `j1sync_s` = wall minus
    both, and `j1sync_ratio_to_bound` = j1sync_s / bound_s measures j1sync, not the
    emulator. Printed as a table on stderr."""
    rows: list[dict[str, Any]] = []
    header = (
        "objects  plan s  bound s  ratio  server s  oversleep s  j1sync s  j1sync ratio  "
        "floor ratio  peak RSS MB  plan CPU s  emulator CPU s  load avg"
    )
    print(header, file=sys.stderr)
    for objects in sizes:
        with tempfile.TemporaryDirectory(prefix="j1sync-curve-") as folder:
            work = Path(folder)
            account = generated_account(objects)
            write_manifest_files(work / "manifests", account.manifests)
            rounds = chain_rounds(account.counts)
            bound = bound_s(account.counts, latency_ms)
            timings = work / "timings.jsonl"
            extra = ["--timings", str(timings)]
            with served_emulator(work / "emulator", account.seed, latency_ms, extra) as url:
                for _ in range(runs):
                    row, answered = whole_plan(url, work / "manifests", SERVED_PIDS[url], timings)
                    imports_s = libraries_import_s()
                    page_s = bare_page_s(url, timings, latency_ms)
                    chain, server_s, per_chain = critical_chain(answered, rounds, latency_ms)
                    overslept = chain_oversleep_s(answered, chain, latency_ms)
                    row = {"objects": objects, **row, "bound_s": round(bound, 3)}
                    row["ratio_to_bound"] = round(row["wall_s"] / bound, 3)
                    row["critical_chain"] = chain
                    row["chain_server_s"] = per_chain
                    row["emulator_server_s"] = round(server_s, 3)
                    row["emulator_oversleep_s"] = round(overslept, 3)
                    row["j1sync_s"] = round(row["wall_s"] - server_s - overslept, 3)
                    row["j1sync_ratio_to_bound"] = round(row["j1sync_s"] / bound, 3)
                    # what the card's libraries alone cost, measured in the same minute
                    row["floor_imports_s"] = round(imports_s, 3)
                    row["floor_page_ms"] = round(page_s * 1000, 2)
                    floor = imports_s + rounds[chain] * page_s
                    row["floor_s"] = round(bound + floor, 3)
                    row["floor_ratio_to_bound"] = round((bound + floor) / bound, 3)
                    rows.append(row)
                    print(
                        f"{objects:>7}  {row['wall_s']:>6.2f}  {bound:>7.2f}  "
                        f"{row['ratio_to_bound']:>5.2f}  {server_s:>8.2f}  {overslept:>11.2f}  "
                        f"{row['j1sync_s']:>8.2f}  {row['j1sync_ratio_to_bound']:>12.2f}  "
                        f"{row['floor_ratio_to_bound']:>11.2f}  {row['peak_rss_mb']:>11.1f}  "
                        f"{row['cpu_s']:>10.2f}  {row['emulator_cpu_s']:>14.2f}  "
                        f"{row['load_average']:>8.2f}",
                        file=sys.stderr,
                    )
    return rows


# The libraries the card builds j1sync on (click, gql, pydantic, requests, ruamel.yaml) and
# its retries' (tenacity): what any tool made of them pays before its first request.
CARD_LIBRARIES = "import click, gql, pydantic, requests, ruamel.yaml, tenacity"


def libraries_import_s(tries: int = 3) -> float:
    """The least wall time, over `tries` fresh processes, of a Python process that only
    imports the card's libraries (`CARD_LIBRARIES`), interpreter start-up included: the
    part of a whole `j1sync plan` before its first request that j1sync cannot shorten."""
    best = math.inf
    for _ in range(tries):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", CARD_LIBRARIES], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def bare_page_s(url: str, timings: Path, latency_ms: int) -> float:
    """The rules' pages read one after another by the barest client the card allows: a
    `requests` session in a loop, nothing else running. Returns the seconds a page took
    beyond the switched latency and the emulator's own time (`critical_chain`'s server
    time and oversleep, from `--timings`): the least a page costs any client made of
    `requests`, measured against the same emulator in the same minute as the plan."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {API_KEY}", ACCOUNT_HEADER: ACCOUNT}
    endpoint = endpoint_url(Settings(api_key=API_KEY, account=ACCOUNT, api_url=url), "rules")
    operation = _operation(alert_rules.LIST_RULES)
    cursor, pages = None, 0
    since = time.time()
    started = time.perf_counter()
    while True:
        body = {
            "query": alert_rules.LIST_RULES,
            "variables": {"limit": PAGE_SIZE, "cursor": cursor},
            "operationName": operation,
        }
        answer = session.post(endpoint, json=body, headers=headers, timeout=60)
        answer.raise_for_status()
        info = answer.json()["data"]["listRuleInstances"]["pageInfo"]
        pages += 1
        if not info["hasNextPage"]:
            break
        cursor = info["endCursor"]
    wall = time.perf_counter() - started
    session.close()
    with timings.open(encoding="utf-8") as lines:
        answered = [line for line in map(json.loads, lines) if line["ts"] >= since]
    rules = _lines_of(answered, {operation})
    server = _union_s([(line["ts"] - line["server_ms"] / 1000, line["ts"]) for line in rules])
    overslept = chain_oversleep_s(answered, "AlertRule", latency_ms)
    return (wall - server - overslept) / pages - latency_ms / 1000


def whole_plan(
    url: str, manifests: Path, emulator_pid: int, timings: Path
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`j1sync plan --detailed-exitcode` in a process of its own, measured from outside,
    with the machine's load average (1 minute) when it ended: on a shared machine the
    wall time depends on it, CPU time and peak RSS much less. Also the emulator's
    `--timings` lines of the requests answered while it ran (each line is in the file
    before its answer leaves the emulator)."""
    command = [sys.executable, "-m", "j1sync", "plan", str(manifests), "--detailed-exitcode"]
    emulator_cpu = _process_cpu_s(emulator_pid)
    since = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(url)
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    emulator_cpu = _process_cpu_s(emulator_pid) - emulator_cpu
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:  # 0: no changes, as generated
        raise RuntimeError(f"j1sync plan exited {process.returncode}")
    with timings.open(encoding="utf-8") as lines:
        answered = [line for line in map(json.loads, lines) if line["ts"] >= since]
    row = {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "emulator_cpu_s": round(emulator_cpu, 3),
        "emulator_requests": len(answered),
        "load_average": round(os.getloadavg()[0], 2),
    }
    return row, answered


def _operation(document: str) -> str:
    """The operationName the client sends `document` under (`serve --timings` names a
    request by it)."""
    operation = get_operation_ast(parse(document))
    if operation is None or operation.name is None:
        raise ValueError(f"an unnamed operation: {document[:60]!r}")
    return operation.name.value


# The operations on each kind's chain of requests that follow one another (`chain_rounds`),
# named as the client's documents name them.
CHAIN_OPERATIONS = {
    "Question": {_operation(questions.LIST_QUESTIONS)},
    "AlertRule": {_operation(alert_rules.LIST_RULES)},
    "IamGroup": {
        _operation(iam_groups.LIST_GROUPS),
        _operation(iam_groups.members_document(1)),
        _operation(iam_groups.access_document(1)),
        _operation(iam_groups.GROUP_USERS),
    },
    "IntegrationSchedule": {
        _operation(integration_schedules.LIST_DEFINITIONS),
        _operation(integration_schedules.LIST_INSTANCES),
    },
}


# The chains' requests sent side by side (a round of IAM details), not one after another.
SIDE_BY_SIDE = {
    _operation(iam_groups.members_document(1)),
    _operation(iam_groups.access_document(1)),
    _operation(iam_groups.GROUP_USERS),
}


def critical_chain(
    answered: list[dict[str, Any]], rounds: dict[str, int], latency_ms: int
) -> tuple[str, float, dict[str, float]]:
    """The emulator's own server time on the plan's critical path. Per kind's chain, the
    time the emulator was busy on at least one of its requests: the union of the
    requests' `[ts - server_ms, ts]` (a page after another adds up; a round of IAM
    details served side by side counts once, however the emulator's lock orders them).
    The critical chain is the kind whose `rounds x latency + server time` is largest (the
    one the bound's read would wait for, the emulator's time included). Returns that
    kind, its server seconds, and every chain's."""
    per_chain: dict[str, float] = {}
    for kind, operations in CHAIN_OPERATIONS.items():
        spans = [
            (line["ts"] - line["server_ms"] / 1000, line["ts"])
            for line in _lines_of(answered, operations)
        ]
        if not spans and rounds.get(kind):
            raise RuntimeError(f"no --timings line for {kind}'s requests ({sorted(operations)})")
        per_chain[kind] = round(_union_s(spans), 3)
    chain = max(per_chain, key=lambda kind: rounds[kind] * latency_ms / 1000 + per_chain[kind])
    return chain, per_chain[chain], per_chain


def chain_oversleep_s(answered: list[dict[str, Any]], kind: str, latency_ms: int) -> float:
    """How much longer than the switched latency the emulator slept on `kind`'s chain: its
    `--timings` `latency_ms` beyond `latency_ms`, summed over the chain's pages (the bound
    counts the latency exactly, so a late wake-up of the emulator's thread is the
    emulator's time, not j1sync's). Only requests that follow one another count: IAM's
    details, served side by side, are left out (counted as j1sync's)."""
    return sum(
        max(0.0, line.get("latency_ms", latency_ms) - latency_ms) / 1000
        for line in _lines_of(answered, CHAIN_OPERATIONS[kind] - SIDE_BY_SIDE)
    )


def _lines_of(answered: list[dict[str, Any]], operations: set[str]) -> list[dict[str, Any]]:
    """The `--timings` lines of requests holding one of `operations` (a batch's line names
    each of its operations, joined with commas)."""
    return [line for line in answered if operations.intersection(line["operation"].split(","))]


def _union_s(spans: list[tuple[float, float]]) -> float:
    """Seconds covered by at least one of `spans` (start, end)."""
    covered, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


def write_manifest_files(folder: Path, manifests: list[dict[str, Any]]) -> None:
    """One file per object, a folder per kind (the layout `j1sync export` writes)."""
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    for number, manifest in enumerate(manifests):
        kind_folder = folder / manifest["kind"]
        kind_folder.mkdir(parents=True, exist_ok=True)
        with (kind_folder / f"{number:06d}.yaml").open("w", encoding="utf-8") as out:
            yaml.dump(manifest, out)


def plan_invocations(counts: dict[str, int]) -> int:
    """What a plan counts against the quota: a page per root field (one invocation), and
    two per IAM group (members, permissions and query policy: aliased, each alias one)."""
    pages = sum(math.ceil(counts[kind] / PAGE_SIZE) or 1 for kind in counts)
    return pages + 1 + iam_groups.REQUESTS_PER_BATCH * counts["IamGroup"]


def quota_bound_s(quotas: Quotas, invocations: int) -> float:
    """The least time `invocations` take from full buckets: what is beyond each bucket's
    burst, at its refill rate (the slowest bucket decides)."""
    buckets = (quotas.account, quotas.token)
    return max(max(0, invocations - q.count) / q.rate for q in buckets)


def _answered_429(work: Path) -> int | None:
    found = re.search(r"(\d+) answered 429", (work / "emulator.log").read_text(encoding="utf-8"))
    return int(found.group(1)) if found else None


def write_manifests(folder: Path, manifests: list[dict[str, Any]]) -> None:
    """One file per kind, many documents each (as a large repository would group them)."""
    folder.mkdir(parents=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    for kind in ("Question", "AlertRule", "IamGroup", "IntegrationSchedule"):
        documents = [m for m in manifests if m["kind"] == kind]
        if documents:
            with (folder / f"{kind}.yaml").open("w", encoding="utf-8") as out:
                yaml.dump_all(documents, out)


def bound_s(counts: dict[str, int], latency_ms: int) -> float:
    """The least time the reads can take at `latency_ms` a request (docs/performance.md):
    the longest of `chain_rounds`, the kinds read in parallel."""
    return max(chain_rounds(counts).values()) * latency_ms / 1000


def chain_rounds(counts: dict[str, int]) -> dict[str, int]:
    """Per kind, its requests that must follow one another: its pages one after another;
    IntegrationSchedule's definitions page first; IAM groups' pages, then their details
    (`REQUESTS_PER_BATCH` requests per group batch) in rounds of `READ_CONCURRENCY`."""
    pages = {
        "Question": math.ceil(counts["Question"] / PAGE_SIZE) or 1,
        "AlertRule": math.ceil(counts["AlertRule"] / PAGE_SIZE) or 1,
        "IntegrationSchedule": 1 + (math.ceil(counts["IntegrationSchedule"] / PAGE_SIZE) or 1),
    }
    groups = counts["IamGroup"]
    per_request = getattr(iam_groups, "GROUPS_PER_REQUEST", None)
    if per_request is None:  # one group's three requests after another, per worker
        rounds = 3 * math.ceil(groups / iam_groups.READ_CONCURRENCY)
    else:
        requests = getattr(iam_groups, "REQUESTS_PER_BATCH", 1) * math.ceil(groups / per_request)
        rounds = math.ceil(requests / iam_groups.READ_CONCURRENCY)
    pages["IamGroup"] = (math.ceil(groups / PAGE_SIZE) or 1) + rounds
    return pages


def plan_in_subprocess(url: str, manifests: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure-plan", url, str(manifests)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env(url))
    if done.returncode != 0:
        raise RuntimeError(f"plan measurement failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_plan(url: str, manifests: str) -> dict[str, Any]:
    """In a process of its own: what `j1sync plan` does (reconcile.connect_and_plan: the account
    is read while the manifests load), timed (wall and CPU); then, for the breakdown, the
    manifest load alone and a plan of already-loaded manifests (a second read)."""
    import resource

    from j1sync.cli import settle_built, tune_interpreter
    from j1sync.engine.plan import build_plan
    from j1sync.reconcile import connect_and_plan, declared, desired_objects, kinds_to_read, load

    tune_interpreter()  # as the `j1sync` process does
    clients: list[Any] = []
    wall, cpu = time.perf_counter(), time.process_time()
    gc.disable()  # as the `j1sync` process makes its plan (cli.collector_paused)
    with connect_and_plan([manifests], _benchmark_connect(url, clients)) as (_, run):
        pass
    settle_built()
    gc.enable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    requests = clients[0].requests_sent

    load_wall, load_cpu = time.perf_counter(), time.process_time()
    loaded = load([manifests])
    load_wall, load_cpu = time.perf_counter() - load_wall, time.process_time() - load_cpu

    with _benchmark_connect(url, clients)(loaded.project) as provider:
        read_and_diff_wall = time.perf_counter()
        live = provider.read_live(kinds_to_read(provider, loaded.project, declared(loaded)))
        diff_cpu = time.process_time()  # normalize the manifests + diff, live already read
        desired = desired_objects(loaded, provider)
        kinds = {kind.kind: kind.prune for kind in provider.kinds}
        build_plan(desired, live, kinds, loaded.project, ACCOUNT, loaded.sensitive)
        diff_cpu = time.process_time() - diff_cpu
        read_and_diff_wall = time.perf_counter() - read_and_diff_wall
    changes = sum(1 for c in run.plan.changes if c.action != "no-op")
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "load_wall_s": round(load_wall, 3),
        "load_cpu_s": round(load_cpu, 3),
        "read_and_diff_wall_s": round(read_and_diff_wall, 3),
        "diff_cpu_s": round(diff_cpu, 3),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "requests": requests,
        "changes": changes,
    }


def _benchmark_connect(url: str, clients: list[Any]) -> Any:
    """A reconcile.Connect to the benchmark's emulator (what `open_provider` does)."""
    from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
    from j1sync.providers.jupiterone.settings import Settings

    @contextmanager
    def connect(project: Any) -> Iterator[Any]:
        client = JupiterOneClient(Settings(api_key=API_KEY, account=ACCOUNT, api_url=url))
        clients.append(client)
        with client:
            yield JupiterOneProvider(client, project.managed_tag)

    return connect


def official_client_read(url: str) -> float:
    """The same rules and questions read with JupiterOne's official Python client."""
    from jupiterone import JupiterOneClient as OfficialClient

    client = OfficialClient(account=ACCOUNT, token=API_KEY, url=f"{url}/graphql", sync_url=url)
    started = time.perf_counter()
    rules = client.list_alert_rules()
    questions = client.list_questions()
    elapsed = time.perf_counter() - started
    if not rules or not questions:
        raise RuntimeError("the official client read nothing")
    return round(elapsed, 3)


def apply_creates(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """`j1sync apply` of `--creates` new objects (rules, questions, IAM groups with
    members) while the emulator answers 429 to `--rate-429` of all requests."""
    account = generated_account(args.creates, split=NO_INTEGRATIONS, seeded=False)
    write_manifests(work / "manifests", account.manifests)
    emulator_args = ["--rate-429", str(args.rate_429)]
    with served_emulator(work, account.seed, args.latency_ms, emulator_args) as url:
        command = ["apply", str(work / "manifests"), "--auto-approve", "--concurrency", "8"]
        started = time.perf_counter()
        done = _j1sync(command, url)
        elapsed = time.perf_counter() - started
        found = re.search(r"Apply complete: (\d+) created, .* (\d+) failed", done.stdout)
        after = _snapshot_names(work / "emulator.db")
        check = _j1sync(["plan", str(work / "manifests"), "--detailed-exitcode"], url)
    return {
        "apply_1000_creates_wall_s": round(elapsed, 3),
        "apply_exit_code": done.returncode,
        "apply_applied": int(found.group(1)) if found else None,
        "apply_failures": int(found.group(2)) if found else None,
        "apply_duplicates": sum(len(names) - len(set(names)) for names in after.values()),
        "apply_then_plan_exit_code": check.returncode,
    }


def apply_to_bound(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """`--creates` new objects (as in `apply_creates`) with no injected fault, at
    `--apply-concurrency`: the changes alone (`apply_plan`, timed in a fresh process of
    this script after its plan) against `creates / concurrency x latency`, with the
    emulator's own CPU time over the same span apart; then the whole `j1sync apply`
    process, as a user runs it, against a fresh emulator."""
    account = generated_account(args.creates, split=NO_INTEGRATIONS, seeded=False)
    manifests = str(work / "manifests")
    write_manifests(work / "manifests", account.manifests)
    concurrency = args.apply_concurrency
    timings = work / "timings.jsonl"
    extra = ["--timings", str(timings)]
    with served_emulator(work / "measured", account.seed, args.latency_ms, extra) as url:
        pid = str(SERVED_PIDS[url])
        measure = ["--measure-apply", url, manifests, str(concurrency), pid]
        command = [sys.executable, __file__, *measure]
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=_env(url))
        if done.returncode != 0:
            raise RuntimeError(f"apply measurement failed:\n{done.stderr}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        check = _j1sync(["plan", manifests, "--detailed-exitcode"], url)
    with served_emulator(work / "cli", account.seed, args.latency_ms) as url:
        started = time.perf_counter()
        apply = ["apply", manifests, "--auto-approve", "--concurrency", str(concurrency)]
        cli = _j1sync(apply, url)
        cli_wall_s = time.perf_counter() - started
    latency_s = args.latency_ms / 1000
    bound = args.creates / concurrency * latency_s
    served, overslept = served_in_flight_s(timings, measured, concurrency, args.latency_ms)
    j1sync_s = measured["wall_s"] - served - overslept
    return {
        "apply_concurrency": concurrency,
        "apply_creates": args.creates,
        "apply_wall_s": measured["wall_s"],
        "apply_bound_s": round(bound, 3),
        "apply_ratio_to_bound": round(measured["wall_s"] / bound, 3),
        "apply_requests": measured["requests"],
        "apply_requests_bound_s": round(measured["requests"] / concurrency * latency_s, 3),
        "apply_rate_limited": measured["rate_limited"],
        "apply_cpu_s": measured["cpu_s"],
        "apply_emulator_cpu_s": measured["emulator_cpu_s"],
        "apply_emulator_server_s": round(served, 3),
        "apply_emulator_oversleep_s": round(overslept, 3),
        "apply_j1sync_s": round(j1sync_s, 3),
        "apply_j1sync_ratio_to_bound": round(j1sync_s / bound, 3),
        "apply_counts": measured["counts"],
        "apply_then_plan_exit_code": check.returncode,
        "apply_cli_wall_s": round(cli_wall_s, 3),
        "apply_cli_exit_code": cli.returncode,
    }


def served_in_flight_s(
    timings: Path, measured: dict[str, Any], concurrency: int, latency_ms: int
) -> tuple[float, float]:
    """The emulator's own time on the apply's requests (its `--timings` lines answered
    while `apply_plan` ran), as the apply's wall time holds it: each request holds one of
    `concurrency` slots for the latency, its server time and any oversleep, so these add
    (sum ÷ concurrency) to the least the apply can take, beyond the bound's latency. The
    server time includes waits for the emulator's own interpreter lock: sixteen requests
    that wake together are answered one after another. (Little's law: a client that kept
    every slot busy at no cost of its own would take exactly latency + server + oversleep
    summed ÷ concurrency.) Returns (server, oversleep) in seconds."""
    server_ms = overslept_ms = 0.0
    with timings.open(encoding="utf-8") as lines:
        for text in lines:
            line = json.loads(text)
            if measured["started"] <= line["ts"] <= measured["ended"]:
                server_ms += line["server_ms"]
                overslept_ms += max(0.0, line.get("latency_ms", latency_ms) - latency_ms)
    return server_ms / 1000 / concurrency, overslept_ms / 1000 / concurrency


def measure_apply(url: str, manifests: str, concurrency: int, emulator_pid: int) -> dict[str, Any]:
    """In a process of its own: the plan as `j1sync apply` makes it (not timed), then
    `apply_plan` timed: wall and CPU here, and the emulator process's CPU meanwhile."""
    from j1sync.connection import ConnectionOptions
    from j1sync.executor import apply_plan
    from j1sync.reconcile import connect_and_plan, connect_with

    flags = {"api_url": url, "account": ACCOUNT}
    options = ConnectionOptions(flags=flags, concurrency=concurrency)
    with connect_and_plan([manifests], connect_with(options)) as (provider, planned):
        client = provider.client  # type: ignore[attr-defined]
        requests_before = client.requests_sent
        limited_before = getattr(client, "rate_limited_answers", 0)
        emulator_cpu, cpu = _process_cpu_s(emulator_pid), time.process_time()
        started, wall = time.time(), time.perf_counter()
        result = apply_plan(planned.plan, provider, planned.live, concurrency=concurrency)
        wall, ended = time.perf_counter() - wall, time.time()
        cpu, emulator_cpu = time.process_time() - cpu, _process_cpu_s(emulator_pid) - emulator_cpu
    return {
        "wall_s": round(wall, 3),
        "started": started,
        "ended": ended,
        "cpu_s": round(cpu, 3),
        "emulator_cpu_s": round(emulator_cpu, 3),
        "requests": client.requests_sent - requests_before,
        "rate_limited": getattr(client, "rate_limited_answers", 0) - limited_before,
        "counts": result.counts,
    }


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _snapshot_names(db: Path) -> dict[str, list[str]]:
    import sqlite3

    names: dict[str, list[str]] = {}
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT collection, body FROM objects").fetchall()
    for collection, body in rows:
        if collection in ("rules", "questions", "iam_groups"):
            names.setdefault(collection, []).append(json.loads(body)["name"])
    return names


@contextmanager
def served_emulator(
    work: Path, seed: dict[str, Any], latency_ms: int, extra: Sequence[str] = ()
) -> Iterator[str]:
    work.mkdir(parents=True, exist_ok=True)
    (work / "seed.json").write_text(json.dumps(seed), encoding="utf-8")
    log = work / "emulator.log"
    command = [
        sys.executable, "-m", "j1sync", "emulator", "serve", "--port", "0",
        "--db", str(work / "emulator.db"), "--seed", str(work / "seed.json"),
        "--api-key", API_KEY, "--account", ACCOUNT, "--latency-ms", str(latency_ms),
        "--page-size", str(PAGE_SIZE), *extra,
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 600
        while not (found := _LISTENING.search(log.read_text(encoding="utf-8"))):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"emulator did not start: {log.read_text(encoding='utf-8')}")
            time.sleep(0.1)
        SERVED_PIDS[found.group(1)] = process.pid
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _env(url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    return {
        **keep,
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": url,
        "NO_COLOR": "1",
    }


def _j1sync(args: Sequence[str], url: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "j1sync", *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=_env(url), stdin=subprocess.DEVNULL
    )


if __name__ == "__main__":
    assert POOL_SIZE >= iam_groups.READ_CONCURRENCY
    sys.exit(main())
