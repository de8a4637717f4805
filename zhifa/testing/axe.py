"""axe-core (vendored) run in a real browser page: the WCAG 2.1 A/AA violations that are serious or critical."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Page) -> list[str]:
    """One line per serious or critical violation on the page as it stands, naming the rule and the first nodes."""
    # Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy does not block
    # (a <script> tag would be); the policy itself stays as served.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
