"""`newsarchive browse`: the archive in Datasette, read-only, with descriptions, queries and charts."""
