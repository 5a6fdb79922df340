"""Signals of our own, sent through the crawler's signal manager."""

# Sent by the store pipeline after a batch of stories is committed: `batch` (list of Story).
batch_stored = object()
