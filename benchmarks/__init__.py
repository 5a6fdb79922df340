"""Benchmarks, run on demand with `make bench` (`python -m benchmarks`), never in the test suite.

Each module named in `benchmarks.__main__.MODULES` has a `run() -> None` that prints its
figures, with ratios against a baseline measured in the same run so that figures from different
machines can be compared. Benchmarks touch only local files and 127.0.0.1.
"""
