"""A cost the client refused (it could not be a bill) reads `invalid` on the dashboard, never `—` (no cost given)
and never a number (issue 12 item 1)."""

from __future__ import annotations

from cftui.text import cost_text
from cftui.ui.widgets.project_list import project_row
from cftui.ui.widgets.resource_rows import resource_label
from tests.builders import project, resource


def test_refused_costs_read_invalid_and_missing_ones_a_dash() -> None:
    for absurd in ("-1e308", "1e26", "1e5000", "Infinity", "-5"):
        shop = project("proj_shop", "shop", cost=absurd, count=3)
        web = resource("res_web", "web-1", cost=absurd)
        assert shop.cost_invalid and web.cost_invalid, absurd
        assert cost_text(shop) == cost_text(web) == "invalid"
        assert "invalid" in project_row(shop, 0, ()), absurd
        assert "invalid" in resource_label(web, 60).plain, absurd
    unknown = resource("res_x", "net", rtype="vpc", cost=None)  # type: ignore[arg-type]
    assert cost_text(unknown) == "—" and not unknown.cost_invalid
    assert cost_text(project("proj_ok", "ok", cost="12.5", count=1)) == "$12.50"
