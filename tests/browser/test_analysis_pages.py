"""The analysis pages with data in the real browser: axe-core at phone and projector size,
every control reached by keyboard, the charts drawn (no script) with their words and tables,
and an analyst accepting a theme's suggested tag with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from facilitate import create_app
from facilitate.dialogue import moderation
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession

from ..analysisdata import plant
from .conftest import check_keyboard, check_page, tab_to


@pytest.fixture(scope="module")
def planted(served):
    """A forum session of two camps and three topics in the served database; one care
    contribution tagged with a focus area, so its theme suggests that tag."""
    app = create_app({"DATABASE_URL": f"sqlite:///{served.database}", "SECRET_KEY": "x"})
    made = plant(app, people=12, seed=19)
    with app.app_context():
        session = db.session.get(LiveSession, made.session)
        moderation.moderate(session, made.topics["care"][0], "tag", tags=["focus.public-health"])
        db.session.commit()
        db.engine.dispose()
    return made


#: Upper bound for an analysis page to load (ms): under the server the analysis runs in a worker
#: process started with it, and on a busy test machine its start can outlast the usual wait.
#: Not a performance assertion.
ANALYSIS_LOAD_MS = 120_000


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("analysis-themes", "/analysis/themes"),
        ("analysis-opinions", "/analysis/opinions"),
        ("analysis-participation", "/analysis/participation"),
    ],
)
def test_analysis_pages_with_data_pass_axe(served, analyst, planted, name, path):
    page = analyst().new_page()
    page.goto(f"{served.base}{path}?session={planted.session}", timeout=ANALYSIS_LOAD_MS)
    check_page(page, name)
    check_keyboard(page, name)
    charts = page.locator("svg[role=img]")
    if name != "analysis-themes":
        expect(charts.first).to_be_visible()
        for index in range(charts.count()):
            chart = charts.nth(index)
            labelled = chart.get_attribute("aria-labelledby").split()
            for ident in labelled:
                assert page.locator(f"#{ident}").text_content().strip()
        assert page.locator("table.data-table caption").count() >= 1


def test_an_analyst_accepts_a_suggested_tag_by_keyboard(served, analyst, planted):
    page = analyst().new_page()
    page.goto(f"{served.base}/analysis/themes?session={planted.session}", timeout=ANALYSIS_LOAD_MS)
    button = page.get_by_role("button", name="Ge alla bidrag i temat taggen")
    expect(button).to_have_count(1)
    tab_to(page, "form.accept-tag button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Taggen gäller nu alla")).to_be_visible()
    expect(page.get_by_text("(gäller alla bidrag i temat)")).to_be_visible()
    expect(button).to_have_count(0)
