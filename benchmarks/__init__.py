"""Benchmarks: scripts that print medians and p99 next to a baseline measured in the same run."""
