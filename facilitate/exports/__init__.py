"""Results across sessions for the preparation group: filtered reads, summaries with small
groups suppressed, and the CSV, XLSX, JSON and DOCX writers (docs/export-format.md)."""
