"""format_github_annotation: GitHub's workflow-command syntax and escaping rules."""

from __future__ import annotations

from j1sync.errors import ManifestProblem, SourceLocation
from j1sync.manifest import format_github_annotation


def test_annotation_names_file_line_column_document_and_field() -> None:
    problem = ManifestProblem(
        SourceLocation("rules/a.yaml", 7, 3),
        "unknown field 'titel'",
        document="AlertRule/foo",
        field="spec.operations[0].when",
    )
    assert format_github_annotation(problem) == (
        "::error file=rules/a.yaml,line=7,col=3::"
        "AlertRule/foo: spec.operations[0].when: unknown field 'titel'"
    )


def test_message_escapes_percent_carriage_return_and_newline() -> None:
    problem = ManifestProblem(SourceLocation("a.yaml", 1, 1), "100% bad\r\nsecond line")
    assert format_github_annotation(problem) == (
        "::error file=a.yaml,line=1,col=1::100%25 bad%0D%0Asecond line"
    )


def test_file_property_escapes_colon_and_comma() -> None:
    problem = ManifestProblem(SourceLocation("C:/odd,name%.yaml", 2, 4), "m")
    assert format_github_annotation(problem) == (
        "::error file=C%3A/odd%2Cname%25.yaml,line=2,col=4::m"
    )


def test_problem_without_location_is_still_an_annotation() -> None:
    problem = ManifestProblem(None, "more than one j1sync.yaml")
    assert format_github_annotation(problem) == "::error::more than one j1sync.yaml"
