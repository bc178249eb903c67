"""Benchmarks: run by hand, never in CI (see README.md)."""
