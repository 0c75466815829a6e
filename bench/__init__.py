"""Benchmarks (not timed tests). `python -m bench NAME [options]` runs one and prints a Markdown table."""
