"""Benchmarks for `make bench`: figures reported side by side, never asserted in tests."""
