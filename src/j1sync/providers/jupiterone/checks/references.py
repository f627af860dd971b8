"""Checks across JupiterOne's documents: questionRef, resourceGroup and widget question
targets, and the queries a rule's conditions name when its question lives in a Question
manifest."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest, problem_at
from j1sync.providers.jupiterone.models.alert_rule import AlertRuleSpec, unknown_query_message
from j1sync.providers.jupiterone.models.dashboard import DashboardSpec
from j1sync.providers.jupiterone.models.question import QuestionSpec
from j1sync.providers.jupiterone.models.resource_group import ResourceGroupSpec


def question_ref_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    questions: dict[str, QuestionSpec] = {}
    for item in loaded:
        spec = item.manifest.spec
        if isinstance(spec, QuestionSpec):
            questions.setdefault(item.manifest.name, spec)
    problems = []
    for item in loaded:
        spec = item.manifest.spec
        if not isinstance(spec, AlertRuleSpec) or spec.questionRef is None:
            continue
        question = questions.get(spec.questionRef)
        if question is None:
            close = difflib.get_close_matches(spec.questionRef, sorted(questions), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                problem_at(
                    item,
                    ("spec", "questionRef"),
                    f"no Question manifest named '{spec.questionRef}'{hint}",
                )
            )
            continue
        known = question.query_names()
        for path, name in spec.query_references():
            if name not in known:
                message = unknown_query_message(name, sorted(known))
                problems.append(
                    problem_at(item, ("spec", *path), f"{message} (Question/{spec.questionRef})")
                )
    return problems


def resource_group_ref_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """A rule's or a board's `resourceGroup` names a ResourceGroup manifest (its id is
    known only then)."""
    groups = sorted(
        {item.manifest.name for item in loaded if isinstance(item.manifest.spec, ResourceGroupSpec)}
    )
    problems = []
    for item in loaded:
        spec = item.manifest.spec
        if not isinstance(spec, (AlertRuleSpec, DashboardSpec)) or spec.resourceGroup is None:
            continue
        if spec.resourceGroup not in groups:
            close = difflib.get_close_matches(spec.resourceGroup, groups, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                problem_at(
                    item,
                    ("spec", "resourceGroup"),
                    f"no ResourceGroup manifest named '{spec.resourceGroup}'{hint}",
                )
            )
    return problems


def widget_question_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """A board widget's `question` names a Question manifest (its id is known only then)."""
    questions = sorted(
        {item.manifest.name for item in loaded if isinstance(item.manifest.spec, QuestionSpec)}
    )
    problems = []
    for item in loaded:
        spec = item.manifest.spec
        if not isinstance(spec, DashboardSpec):
            continue
        for key, widget in spec.widgets.items():
            if widget.question is None or widget.question in questions:
                continue
            close = difflib.get_close_matches(widget.question, questions, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(
                problem_at(
                    item,
                    ("spec", "widgets", key, "question"),
                    f"no Question manifest named '{widget.question}'{hint}",
                )
            )
    return problems
