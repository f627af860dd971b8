"""`export --managed-tag` took values j1sync.yaml's managedTag refuses: "" silently meant
the default tag, and " " or a tag with a line break exported 0 objects with exit 0. Now
the option is checked by the same rule, with the same messages."""

from __future__ import annotations

import pytest

from tests.export.conftest import Account


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("", "must not be empty"),
        (" ", "must not start or end with whitespace"),
        ("a\nb", "must not contain control characters"),
    ],
)
def test_a_managed_tag_j1sync_yaml_refuses_is_refused(
    demo: Account, tag: str, problem: str
) -> None:
    result = demo.export("--managed-only", "--managed-tag", tag)
    assert result.exit_code == 1, result.output
    assert f"Invalid value for '--managed-tag': {problem}" in result.output
    assert not demo.out.exists()

    # j1sync.yaml says the same of it
    (demo.tmp_path / "j1sync.yaml").write_text(f"managedTag: {tag!r}\n".replace("'", '"'))
    validated = demo.run("validate", str(demo.tmp_path / "j1sync.yaml"))
    assert f"managedTag: {problem}" in validated.output, validated.output


def test_a_tag_of_its_own_is_taken(demo: Account) -> None:
    result = demo.export("--managed-only", "--managed-tag", "not-on-anything")
    assert result.exit_code == 0, result.output
    assert "Exported 0 objects" in result.output
