"""Login and logout as a leader experiences them, CSRF and the failed-login limit."""

import pytest

from facilitate.auth import Role

from .conftest import PASSWORD, csrf_token, log_in

GENERIC_ERROR = "Fel e-postadress eller lösenord."


def test_login_page_has_a_csrf_protected_form(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert 'autocomplete="current-password"' in html


def test_leader_logs_in_and_lands_in_the_module_library(client, make_user):
    make_user()
    response = log_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    library = client.get("/", follow_redirects=True)
    assert "Norrbotten för alla" in library.get_data(as_text=True)
    assert "Logga ut" in library.get_data(as_text=True)


def test_email_is_case_insensitive(client, make_user):
    make_user()
    assert log_in(client, email="  Leader@Example.ORG ").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("leader@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_login_does_not_reveal_whether_the_account_exists(
    client, make_user, email, password
):
    make_user()
    response = log_in(client, email=email, password=password)
    assert response.status_code == 401
    assert GENERIC_ERROR in response.get_data(as_text=True)
    assert client.get("/modules").status_code == 302  # still not logged in


def test_inactive_account_cannot_log_in(client, make_user, app):
    from facilitate.extensions import db

    user = make_user()
    with app.app_context():
        db.session.get(type(user), user.id).active = False
        db.session.commit()
    response = log_in(client)
    assert response.status_code == 401
    assert GENERIC_ERROR in response.get_data(as_text=True)


def test_failed_logins_are_rate_limited_per_account(client, make_user):
    make_user()
    for _ in range(5):
        assert log_in(client, password="wrong password!").status_code == 401
    blocked = log_in(client)  # even the right password waits now
    assert blocked.status_code == 429
    assert "För många misslyckade inloggningar" in blocked.get_data(as_text=True)
    assert client.get("/modules").status_code == 302


def test_rate_limit_per_address_covers_many_accounts(client, make_user):
    make_user()
    for n in range(20):
        log_in(client, email=f"guess{n}@example.org", password="wrong password!")
    assert log_in(client).status_code == 429


def test_successful_logins_are_not_counted(client, make_user):
    make_user()
    for _ in range(8):
        assert log_in(client).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/modules")})


def test_login_without_csrf_token_is_rejected(client, make_user):
    make_user()
    response = client.post("/login", data={"email": "leader@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert (
        "säkerhetskod" in response.get_data(as_text=True)
        or "csrf" in response.get_data(as_text=True).lower()
    )
    assert client.get("/modules").status_code == 302


def test_login_with_a_forged_csrf_token_is_rejected(client, make_user):
    make_user()
    csrf_token(client)  # a session exists, but the token sent is not its token
    response = client.post(
        "/login", data={"email": "leader@example.org", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert client.get("/modules").status_code == 302


def test_empty_fields_get_a_message_per_field(client):
    response = client.post(
        "/login", data={"email": "", "password": "", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Fyll i din e-postadress." in html
    assert "Fyll i ditt lösenord." in html
    assert 'aria-invalid="true"' in html


def test_next_is_followed_only_within_the_site(client, make_user):
    make_user()
    inside = log_in(client, query_string={"next": "/modules"})
    assert inside.headers["Location"] == "/modules"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/modules")})
    outside = log_in(client, query_string={"next": "//evil.example/phish"})
    assert outside.headers["Location"] == "/"


def test_logout_needs_post_with_csrf(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.post("/logout").status_code == 400
    assert logged_in.get("/modules").status_code == 200
    token = csrf_token(logged_in, "/modules")
    response = logged_in.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert logged_in.get("/modules").status_code == 302


def test_password_hash_is_argon2(make_user):
    user = make_user(role=Role.analyst)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_admin_has_every_role(make_user):
    admin = make_user(email="admin@example.org", role=Role.admin)
    analyst = make_user(email="analyst@example.org", role=Role.analyst)
    assert admin.has_role(Role.leader) and admin.has_role(Role.analyst)
    assert analyst.has_role(Role.analyst) and not analyst.has_role(Role.leader)


# --- revocable logins and redirects (issue #23) ----------------------------------------------

OPEN_REDIRECTS = [
    "//evil.example/phish",
    "/%09/evil.example",
    "/\t/evil.example",
    "/%0a/evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_no_next_leads_to_another_site(client, make_user, target):
    from urllib.parse import unquote

    # As the server reads it: ?next=/%09/evil.example arrives as "/<tab>/evil.example".
    language = client.get("/language/en", query_string={"next": unquote(target)})
    assert language.headers["Location"] == "/"
    make_user()
    outside = log_in(client, query_string={"next": unquote(target)})
    assert outside.headers["Location"] == "/"
    assert (
        client.get("/language/en", query_string={"next": "/modules?x=1"}).headers["Location"]
        == "/modules?x=1"
    )


def test_a_copied_session_cookie_stops_working_at_logout(client, make_user):
    make_user()
    assert log_in(client).status_code == 302
    copied = client.get_cookie("session").value
    assert client.get("/modules").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/modules")})
    client.set_cookie("session", copied)  # the cookie as it was before the logout
    assert client.get("/modules").status_code == 302  # to the login page


def test_a_password_change_ends_every_login_on_pages_and_sockets(
    app, client, make_user, runner, socket_client, make_session
):
    leader = make_user()
    session_id = make_session(leader=leader)
    assert log_in(client).status_code == 302
    other = app.test_client()
    assert log_in(other).status_code == 302
    before = socket_client(client)
    hosted = before.emit("host", {"session": session_id}, namespace="/live", callback=True)
    assert hosted["ok"], hosted
    result = runner.invoke(
        ["users", "password", "leader@example.org", "--password-stdin"],
        input="Ny-Fin-Promenad-Vid-Sjön-42\n",
    )
    assert result.exit_code == 0, result.output
    for browser in (client, other):
        assert browser.get("/modules").status_code == 302
    after = socket_client(client)
    ack = after.emit("host", {"session": session_id}, namespace="/live", callback=True)
    assert ack["error"] == "not_authenticated"


@pytest.fixture
def token_for_user(app):
    def make(user):
        """A committed API token for ``user``."""
        from facilitate.auth import User
        from facilitate.auth.operations import create_token
        from facilitate.extensions import db

        with app.app_context():
            token = create_token(db.session.get(User, user.id))
            db.session.commit()
        return token

    return make


def test_logging_out_closes_that_logins_consoles_and_screens(
    app, client, make_user, socket_client, make_session, token_for_user
):
    leader = make_user()
    session_id = make_session(leader=leader)
    assert log_in(client).status_code == 302
    other = app.test_client()  # the same leader on another computer
    assert log_in(other).status_code == 302
    console, screen = socket_client(client), socket_client(client)
    elsewhere, by_token = (
        socket_client(other),
        socket_client(auth={"token": token_for_user(leader)}),
    )
    for sio, event in ((console, "host"), (screen, "screen"), (elsewhere, "host")):
        assert sio.emit(event, {"session": session_id}, namespace="/live", callback=True)["ok"]
    assert by_token.emit("host", {"session": session_id}, namespace="/live", callback=True)["ok"]

    client.post("/logout", data={"csrf_token": csrf_token(client, "/modules")})
    # That login's connections are closed at once: no more of the session's live state.
    assert not console.is_connected("/live") and not screen.is_connected("/live")
    # The other login's and the API token's stay, and still follow the session.
    for sio in (elsewhere, by_token):
        assert sio.is_connected("/live")
        sio.get_received("/live")
    started = elsewhere.emit(
        "control", {"session": session_id, "action": "start"}, namespace="/live", callback=True
    )
    assert started["ok"]
    assert [r for r in by_token.get_received("/live") if r["name"] == "host_state"]


def test_a_password_change_closes_every_open_console_of_the_user_at_the_next_check(
    app, client, make_user, runner, socket_client, make_session, token_for_user
):
    from facilitate.auth import sockets

    leader = make_user()
    session_id = make_session(leader=leader)
    assert log_in(client).status_code == 302
    other = app.test_client()
    assert log_in(other).status_code == 302
    consoles = [socket_client(client), socket_client(other)]
    by_token = socket_client(auth={"token": token_for_user(leader)})
    for sio in (*consoles, by_token):
        assert sio.emit("host", {"session": session_id}, namespace="/live", callback=True)["ok"]
    # Another process (the command) ends the logins: this one learns it at its next check,
    result = runner.invoke(
        ["users", "password", "leader@example.org", "--password-stdin"],
        input="Ny-Fin-Promenad-Vid-Sjön-42\n",
    )
    assert result.exit_code == 0, result.output
    # and meanwhile refuses their leader events.
    ack = consoles[0].emit(
        "control", {"session": session_id, "action": "start"}, namespace="/live", callback=True
    )
    assert ack["error"] == "not_authenticated"
    assert sockets.check(app) == 2
    assert not any(sio.is_connected("/live") for sio in consoles)
    assert by_token.is_connected("/live")  # an API token is not ended by a password change
    assert sockets.check(app) == 0


def test_the_csrf_token_changes_at_login(client, make_user):
    make_user()
    before = csrf_token(client)
    assert log_in(client).status_code == 302
    after = csrf_token(client, "/modules")
    assert after != before
    # The token of before the login no longer logs anyone out.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
