"""The one money format (cftui.monitor.summaries.money) that events, the headless commands and the UI share."""

from __future__ import annotations

from decimal import Decimal

from cftui.monitor import summaries
from cftui.monitor.summaries import cost_sentence, money


def test_money_writes_dollars_with_the_sign_first_and_exact_cents() -> None:
    assert money(Decimal("23701.73")) == "$23,701.73"
    assert money(Decimal("-12.5")) == "-$12.50"  # not "$-12.50"
    assert money(Decimal("0.005")) == "$0.01"  # half up, as the JSON output rounds
    assert money(1234) == "$1,234.00" and money(0.1) == "$0.10"
    assert money(None) == "?" and money(None, missing="—") == "—"


def test_event_sentences_use_it() -> None:
    assert cost_sentence("db", Decimal("10"), Decimal("-5")) == "db: $10.00 -> -$5.00 a month (-150.0%)"


def test_a_status_change_with_no_old_status_reads_found_in() -> None:
    """`? -> error` looked like a parse failure: a resource first seen in error is `found in error`."""
    assert summaries.status_sentence("web-1", None, "error") == "web-1: found in error"
    assert summaries.status_sentence("web-1", "running", "error") == "web-1: running -> error"
