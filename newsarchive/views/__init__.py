"""Views of an archive for people and other tools: exports and bundles, the HTML report, and
the browser (Datasette). Each reads through `Archive` and writes its output whole or not at all."""
