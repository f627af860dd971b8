"""j1sync.executor: applies a plan through a provider (each change once its dependencies
are done, bounded concurrency, partial failure, ambiguous-failure recovery) and reports
an outcome per change."""

from j1sync.executor.outcome import ApplyEvent, ApplyResult, Outcome
from j1sync.executor.resolution import RunResolver
from j1sync.executor.run import EventHandler, apply_plan

__all__ = ["ApplyEvent", "ApplyResult", "EventHandler", "Outcome", "RunResolver", "apply_plan"]
