"""`newsarchive report`: a self-contained HTML page about an archive, readable offline."""
