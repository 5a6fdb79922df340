"""Signals of our own, sent through the crawler's signal manager."""

# Sent by the run recorder after a batch is committed: `pages` (list of ListingPage).
batch_stored = object()
