"""An unknown field of a Dashboard widget said `allowed: ` with nothing after it: the
fields were looked up with the widget's key taken for a field name. A widget's unknown
field now lists the widget's fields, or names the one meant, as a layout item's and a
board parameter's do."""

from __future__ import annotations

from click.testing import CliRunner

from j1sync.cli import cli
from tests.manifest.conftest import WriteFile

BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: B
spec:
  widgets:
    w:
      title: T
      type: number
      {field}: red
"""
WIDGET_FIELDS = (
    "description, disableQueryPolicyFilters, includeDeleted, noResultMessage, "
    "postQueryFilters, queries, question, settings, title, type"
)


def _validate(write: WriteFile, field: str) -> tuple[int, str, str]:
    path = write("d.yaml", BOARD.format(field=field))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return result.exit_code, result.output, str(path)


def test_an_unknown_widget_field_lists_the_widgets_fields(write: WriteFile) -> None:
    code, output, path = _validate(write, "colour")
    assert code == 1, output
    assert (
        f"{path}:10:7: Dashboard/B: spec.widgets.w.colour: unknown field 'colour'; "
        f"allowed: {WIDGET_FIELDS}\n"
    ) in output


def test_a_misspelt_widget_field_names_the_one_meant(write: WriteFile) -> None:
    code, output, path = _validate(write, "descripton")
    assert code == 1, output
    assert (
        f"{path}:10:7: Dashboard/B: spec.widgets.w.descripton: unknown field 'descripton'; "
        "did you mean 'description'?"
    ) in output
