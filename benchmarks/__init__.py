"""On-demand speed measurements; `make bench` runs them all (`python -m benchmarks`)."""
