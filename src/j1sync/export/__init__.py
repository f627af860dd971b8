"""j1sync.export: the live account as manifests (the adoption path).

from j1sync.export import export_account
result = export_account(provider, Path("manifests"), ["AlertRule"])
print(result.summary())
"""

from j1sync.export.documents import ExportDocument
from j1sync.export.run import ExportResult, OutputNotEmpty, export_account

__all__ = ["ExportDocument", "ExportResult", "OutputNotEmpty", "export_account"]
