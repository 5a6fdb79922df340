"""Downloader middlewares and extensions: politeness, retries, site boundary, charset repair."""
