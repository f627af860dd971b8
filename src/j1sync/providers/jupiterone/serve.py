"""`j1sync emulator serve` for JupiterOne (the default system): its own flags (extras
serve_options) and the serving itself (extras serve), as commands/emulator.py calls a
system's. Outside the emulator package: the flags are read whenever `emulator` is
imported (help included), the emulator itself only when it serves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import click

from j1sync.commands.numbers import FiniteFloatRange
from j1sync.emulator import LISTEN_HOST  # the package's __init__ only: no emulator yet
from j1sync.providers.jupiterone.values import LARGEST_PAGE

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from j1sync.emulator.faults import FaultOptions
    from j1sync.emulator.http_base import TimingsLog

PORT = 8765
SEED = "demo"


def _own(text: str) -> str:
    return f"JupiterOne: {text}"


def serve_options() -> list[tuple[str, Callable[[Any], Any]]]:
    """(parameter name, click option) per flag only JupiterOne's emulator has."""
    return [
        (
            "account",
            click.option(
                "--account",
                default=None,
                help=_own("Account id clients must send."),
            ),
        ),
        (
            "page_size",
            click.option(
                "--page-size",
                default=LARGEST_PAGE,
                type=click.IntRange(min=1),
                show_default=True,
                help=_own("Objects per page of a list query."),
            ),
        ),
        (
            "list_nulls",
            click.option(
                "--list-nulls",
                is_flag=True,
                help=_own(
                    "List answers leave question names and rule labels/ignorePreviousResults "
                    "null (the single-object reads still answer them)."
                ),
            ),
        ),
        (
            "schedule_null",
            click.option(
                "--schedule-null",
                type=click.Choice(["clears", "ignored"]),
                default="clears",
                show_default=True,
                help=_own(
                    "What pollingIntervalCronExpression: null does in updateIntegrationInstance."
                ),
            ),
        ),
        (
            "quotas",
            click.option(
                "--quotas",
                default=None,
                help=_own(
                    "Rate-limit buckets with RateLimit-* headers: 'documented' (account "
                    "2000/120, API token 1000/60, J1QL queries 120/120) or "
                    "ACCOUNT_N/S,TOKEN_N/S[,J1QL_N/S]. Each root field is one invocation, each "
                    "queryV1 one J1QL query."
                ),
            ),
        ),
        (
            "quota_scale",
            click.option(
                "--quota-scale",
                default=1.0,
                type=FiniteFloatRange(min=1.0),
                help=_own(
                    "Divide the quotas' counts and windows by this (same rate, smaller bursts)."
                ),
            ),
        ),
        (
            "quota_limit_header",
            click.option(
                "--quota-limit-header",
                type=click.Choice(["documented", "recorded"]),
                default="documented",
                show_default=True,
                help=_own(
                    "RateLimit-Limit as the docs show it (N, N;window=S, ...) or as the "
                    "recordings do (N alone)."
                ),
            ),
        ),
    ]


def serve(
    host: str = LISTEN_HOST,
    port: int = PORT,
    db: str | None = None,
    seed: str = SEED,
    api_key: str | None = None,
    echo: Callable[[str], None] = print,
    timings: TimingsLog | None = None,
    account: str | None = None,
    page_size: int = LARGEST_PAGE,
    list_nulls: bool = False,
    schedule_null: Literal["clears", "ignored"] = "clears",
    quotas: str | None = None,
    quota_scale: float = 1.0,
    quota_limit_header: Literal["documented", "recorded"] = "documented",
    before_serving: Callable[[], object] | None = None,
    **faults: Unpack[FaultOptions],
) -> None:
    """Serve JupiterOne's emulator until SIGTERM or SIGINT; bad options are ConfigErrors.
    `before_serving`: as serve_until_stopped's."""
    from j1sync.emulator.serving import answered, build_emulator, key_lines, serve_until_stopped
    from j1sync.providers.jupiterone.emulator import app
    from j1sync.providers.jupiterone.emulator.quotas import Quotas
    from j1sync.providers.jupiterone.emulator.switches import LIST_NULL_FIELDS

    def build() -> app.Emulator:
        switches = app.Switches.from_options(
            faults,
            page_size=page_size,
            list_nulls=LIST_NULL_FIELDS if list_nulls else frozenset(),
            schedule_null=schedule_null,
            quotas=(
                Quotas.parse(quotas, quota_scale, quota_limit_header)
                if quotas is not None
                else None
            ),
        )
        return app.Emulator(
            db=db or app.DEFAULT_DB,
            seed=seed,
            api_key=api_key or app.DEFAULT_API_KEY,
            account=account or app.DEFAULT_ACCOUNT,
            switches=switches,
            host=host,
            port=port,
        )

    emulator = build_emulator("emulator", build, host, port)
    key_note, default_key = key_lines(api_key, app.DEFAULT_API_KEY)
    serve_until_stopped(
        emulator,
        [
            f"JupiterOne emulator listening on {emulator.url} "
            f"(account {emulator.account}; API key: {key_note})",
            *default_key,
        ],
        lambda stopped: (
            f"Emulator stopped. {answered(stopped.stats)}, "
            f"{stopped.stats.invocations} invocations counted."
        ),
        echo,
        timings,
        before_serving,
    )
