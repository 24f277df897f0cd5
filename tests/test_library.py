"""The module library: where a leader starts from."""

from markupsafe import escape

from facilitate.content import library
from facilitate.steps import prompt_count, quiz_count


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
    assert f"{quiz_count(demografi)} quizfrågor" in html
    assert f"{prompt_count(demografi)} samtalsfrågor" in html


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


def test_content_is_shown_in_finnish_for_every_shipped_module(logged_in):
    # Every shipped module has Finnish, shown in the page's language and so not marked.
    logged_in.get("/language/fi")
    html = logged_in.get("/modules").get_data(as_text=True)
    for module_id, title in [
        ("samverkansdialog", "Yhteistyövuoropuhelu"),
        ("strategiskt-forum", "Strateginen yhteistyöfoorumi"),
        ("norrbotten-for-alla", "Norrbotten kaikille"),
    ]:
        assert f">{title}</h2>" in html
        assert f'<h2 id="module-{module_id}" lang=' not in html
    assert 'lang="sv"' not in html.split("<main", 1)[1]


def test_untranslated_content_is_marked_with_its_language(app, logged_in, tmp_path):
    # A module without Finnish: Swedish is shown and marked lang="sv" for screen readers.
    from facilitate.content import load_library

    folder = tmp_path / "modules" / "byakvall"
    folder.mkdir(parents=True)
    (folder / "module.yaml").write_text(
        "id: byakvall\nkind: dialogue\ntitle: {sv: Byakväll}\ndescription: {sv: En kväll.}\n"
        "parts:\n- id: kvall\n  title: {sv: Kvällen}\n  description: {sv: Hela kvällen.}\n"
        "  materials:\n  - {sv: Blädderblock}\n"
        '  steps:\n  - {id: fraga, kind: open, prompt: {sv: "Vad behöver byn?"}}\n',
        "utf-8",
    )
    app.extensions["facilitate.content"] = load_library(tmp_path / "modules")
    logged_in.get("/language/fi")
    html = logged_in.get("/modules").get_data(as_text=True)
    assert '<h2 id="module-byakvall" lang="sv">Byakväll</h2>' in html
    assert '<li lang="sv">Blädderblock</li>' in html


def test_each_part_shows_its_timing_and_materials_before_the_meeting(logged_in, app):
    with app.app_context():
        forum = library().get("strategiskt-forum")
    html = logged_in.get("/modules").get_data(as_text=True)
    assert "Tid: 45–60 minuter" in html  # the focus areas: a range
    assert "Tid: ungefär 45 minuter" in html  # the principles: one figure
    assert "Material att ha till hands" in html
    for part in forum.parts:
        for item in part.materials:
            assert f">{escape(item.get('sv'))}</li>" in html
    english = logged_in.get("/modules", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Time: 45–60 minutes" in english and "Time: about 120 minutes" in english
    assert "What to have at hand" in english
    assert f">{escape(forum.parts[0].materials[0].get('en'))}</li>" in english


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
