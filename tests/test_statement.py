"""The accessibility statement (tillgänglighetsredogörelse): its contact comes from the
configuration, and every page links to it. Its accessibility is checked in tests/browser."""

import pytest


def test_statement_without_configured_contact_sends_people_to_their_organiser(client):
    page = client.get("/tillganglighet", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<h1>Tillgänglighetsredogörelse</h1>" in text
    assert "Den organisation som driver den här installationen av facilitate" in text
    assert "Kontakta den organisation som bjöd in dig." in text
    assert "mailto:" not in text
    assert "https://www.digg.se/anmal-bristande-tillganglighet" in text


def test_statement_names_the_organisation_and_its_contact(app, client):
    app.config.update(ORGANISATION_NAME="Region Norrbotten", ACCESSIBILITY_CONTACT="a11y@rn.se")
    text = client.get("/tillganglighet", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in text
    assert "Region Norrbotten is responsible for this service." in text
    assert text.count('<a href="mailto:a11y@rn.se">a11y@rn.se</a>') == 2
    assert "last updated on November 23, 2026." in text


@pytest.mark.parametrize("path", ["/", "/login", "/j", "/tillganglighet", "/no-such-page"])
def test_every_page_links_to_the_statement_in_its_footer(client, path):
    text = client.get(path, headers={"Accept-Language": "fi"}).get_data(as_text=True)
    footer = text[text.index('<footer class="site-footer">') :]
    assert '<a href="/tillganglighet">Saavutettavuus</a>' in footer
