"""`newsarchive browse`: the archive in Datasette, read-only, with descriptions, queries and charts."""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
