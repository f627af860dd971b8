"""JupiterOne's part of `j1sync export` (spec builders, integration schedules' names,
hints) and `j1sync import-rule-pack`; the generic export (export/) reaches them through
the registry (extras export_specs, export_documents, export_reads_also, export_hints)."""
