"""The module library: where a leader starts from."""

from facilitate.content import library


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/modules")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "next=" in response.headers["Location"]


def test_start_page_explains_and_offers_login(client):
    html = client.get("/").get_data(as_text=True)
    assert "utan konto" in html
    assert 'href="/login"' in html


def test_library_lists_every_module_and_part_with_counts(logged_in, app):
    html = logged_in.get("/modules").get_data(as_text=True)
    with app.app_context():
        modules = list(library())
    for module in modules:
        assert str(module.title) in html
        for part in module.parts:
            assert str(part.title) in html
            assert str(part.description) in html
    demografi = modules[0].part("demografi")
    assert f"{demografi.quiz_count} quizfrågor" in html
    assert f"{demografi.prompt_count} samtalsfrågor" in html


def test_library_in_english(logged_in):
    html = logged_in.get("/modules", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Demography and urbanisation" in html
    assert "quiz questions" in html
    assert "Modules" in html


def test_language_choice_is_remembered_and_wins_over_the_browser(logged_in):
    response = logged_in.get("/language/fi?next=/modules")
    assert response.status_code == 302
    assert response.headers["Location"] == "/modules"
    html = logged_in.get("/modules", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fi"' in html
    assert "Moduulit" in html


def test_untranslated_content_is_marked_with_its_language(logged_in):
    # samverkansdialog has no Finnish: Swedish is shown and marked lang="sv" for screen readers.
    # norrbotten-for-alla has Finnish, shown in the page's language and so not marked.
    logged_in.get("/language/fi")
    html = logged_in.get("/modules").get_data(as_text=True)
    assert '<h2 id="module-samverkansdialog" lang="sv">Samverkansdialog</h2>' in html
    assert ">Norrbotten kaikille</h2>" in html
    assert '<h2 id="module-norrbotten-for-alla" lang=' not in html


def test_language_choice_ignores_other_sites_and_unknown_languages(client):
    assert client.get("/language/en?next=https://evil.example").headers["Location"] == "/"
    response = client.get("/language/xx?next=/")
    assert "facilitate_locale" not in response.headers.get("Set-Cookie", "")


def test_unknown_page_is_a_translated_404(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "The page does not exist." in response.get_data(as_text=True)


def test_leaders_get_a_start_button_per_part_and_analysts_none(client, make_user):
    from facilitate.auth import Role

    from .conftest import log_in

    make_user(email="analyst@example.org", role=Role.analyst)
    log_in(client, email="analyst@example.org")
    assert 'action="/sessions"' not in client.get("/modules").get_data(as_text=True)


def test_library_has_a_start_form_for_every_part(logged_in, app):
    html = logged_in.get("/modules").get_data(as_text=True)
    with app.app_context():
        parts = sum(len(m.parts) for m in library())
    assert html.count('action="/sessions"') == parts
    assert 'name="csrf_token"' in html
