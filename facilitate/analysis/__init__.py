"""Analysis across sessions for the preparation group: themes of open input, opinion groups of
statements steps, and charts (SVG on the pages, PNG in the DOCX report)."""
