"""Headless front ends: `cftui status`, `cftui watch` and `cftui events`.

They share the client, settings and monitor with the dashboard and print to a plain stream: a rich display when
stdout is a terminal, plain lines (no ANSI) when it is a pipe, and JSON / JSONL with a stable schema on request.
"""
