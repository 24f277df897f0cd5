"""Web hardening: security headers on every kind of response, a Content-Security-Policy the
templates actually keep (no inline scripts, no style attributes), and cookie flags."""

import re
from pathlib import Path

import pytest

from facilitate import create_app

from .conftest import log_in

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def leader_pages(client, make_user, make_session):
    leader = make_user()
    session_id = make_session(leader=leader)
    assert log_in(client).status_code == 302
    return [
        "/modules",
        f"/sessions/{session_id}",
        f"/sessions/{session_id}/screen",
        f"/sessions/{session_id}/qr.svg",
        "/api/v1/openapi.json",
        "/healthz",
        "/no-such-page",
        "/static/js/live.js",
    ]


def test_every_response_carries_the_security_headers(client, leader_pages):
    for path in [*leader_pages, "/j"]:
        response = client.get(path)
        response.close()  # static files are streamed
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "connect-src 'self' ws://localhost wss://localhost" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_script_or_style():
    """What the policy forbids is not in the templates: every <script> loads a file or is a
    JSON data block, and nothing is styled inline."""
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text("utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\sstyle\s*=", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path  # no inline event handlers


def test_cookies_are_httponly_lax_and_secure_over_https(client, make_user):
    make_user()
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    app = create_app(
        {"DATABASE_URL": "sqlite://", "SECRET_KEY": "t", "PUBLIC_URL": "https://dialog.example"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    language = client.get("/language/en", base_url="https://localhost")
    assert "Secure" in language.headers["Set-Cookie"]
