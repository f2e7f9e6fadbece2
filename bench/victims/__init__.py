"""Helpers of the victims benchmarks (bench/victims_*.py)."""
