"""What every command shares: turning j1sync's errors into a message and an exit code."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from j1sync.errors import ConfigError, J1SyncError

F = TypeVar("F", bound=Callable[..., Any])

# Where --retry-budget and --rate-limit leave their values for `connection.open_provider`
# (click context meta), so the commands' signatures need not change for them.
RETRY_BUDGET_META = "j1sync.retry_budget_s"
RATE_LIMIT_META = "j1sync.rate_limit"
DEFAULT_RETRY_BUDGET_S = 600.0


def redact(text: str) -> str:
    """Remove the API key from text that is about to leave the process."""
    key = os.environ.get("JUPITERONE_API_KEY")
    if key and len(key) >= 4:
        text = text.replace(key, "(redacted)")
    return text


def handle_errors(func: F) -> F:
    """Map J1SyncError to its exit code with a one-line (or multi-line) message; never a
    traceback. Unexpected exceptions are reported as internal errors, exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except J1SyncError as exc:
            click.echo(redact(f"Error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def connection_options(func: F) -> F:
    """--emulator and the connection flags shared by plan, apply, drift and export."""
    options = [
        click.option(
            "--emulator",
            is_flag=True,
            help="Run against the embedded emulator (state in .j1sync/emulator.db).",
        ),
        click.option(
            "--api-url",
            envvar="JUPITERONE_API_URL",
            show_envvar=True,
            help="Base URL override.",
        ),
        click.option(
            "--account", envvar="JUPITERONE_ACCOUNT_ID", show_envvar=True, help="Account id."
        ),
        click.option(
            "--region", envvar="JUPITERONE_REGION", show_envvar=True, help="us (default) or eu."
        ),
        click.option(
            "--retry-budget",
            type=click.FloatRange(min=0),
            default=DEFAULT_RETRY_BUDGET_S,
            show_default=True,
            envvar="J1SYNC_RETRY_BUDGET",
            show_envvar=True,
            metavar="SECONDS",
            expose_value=False,
            callback=_remember(RETRY_BUDGET_META),
            help="How long one request may keep retrying rate limits and server errors.",
        ),
        click.option(
            "--rate-limit",
            envvar="J1SYNC_RATE_LIMIT",
            show_envvar=True,
            metavar="N/SECONDS",
            expose_value=False,
            callback=_remember(RATE_LIMIT_META, _rate_limit),
            help="Send at most N requests per SECONDS (client-side), e.g. 10/1.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _rate_limit(value: Any) -> Any:
    from j1sync.providers.jupiterone.ratelimit import RateLimit

    try:
        return RateLimit.parse(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from exc


def _remember(
    key: str, convert: Callable[[Any], Any] = lambda v: v
) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta[key] = convert(value)
        return value

    return callback


def use_color() -> bool:
    """Colours only on a terminal, never with NO_COLOR."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
