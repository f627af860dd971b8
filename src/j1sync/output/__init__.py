"""j1sync.output: renderers that read only a Plan (text.py, markdown.py, plan_json.py),
apply's report and the progress display. Each is imported from its own module, so that
a command loads only what it prints (a plan's reading progress never loads the
Markdown renderer)."""
