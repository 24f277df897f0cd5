"""Join addresses, the QR code that carries them, and the pages a participant opens."""

import re

import numpy as np
import pytest
import zxingcpp

from facilitate.core.network import lan_address
from facilitate.extensions import db
from facilitate.sessions.models import LiveSession
from facilitate.sessions.operations import control

from .conftest import csrf_token, log_in

#: Pixels per QR module when the SVG is rasterised for decoding.
SCALE = 8


def decode_qr_svg(svg: str) -> str:
    """Rasterise the unit squares of a qrcode SvgPathImage and decode it as a phone would."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    image = np.full((size * SCALE, size * SCALE), 255, dtype=np.uint8)
    for x, y in re.findall(r"M(\d+),(\d+)H", svg):
        x, y = int(x), int(y)
        image[y * SCALE : (y + 1) * SCALE, x * SCALE : (x + 1) * SCALE] = 0
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


@pytest.fixture
def session_code(app, make_user, make_session, client):
    leader = make_user()
    session_id = make_session(leader=leader)
    log_in(client)
    with app.app_context():
        return session_id, db.session.get(LiveSession, session_id).code


def test_qr_code_carries_the_lan_address_when_no_public_url(client, session_code):
    session_id, code = session_code
    response = client.get(f"/sessions/{session_id}/qr.svg", base_url="http://localhost:5000")
    assert response.mimetype == "image/svg+xml"
    assert decode_qr_svg(response.get_data(as_text=True)) == f"http://{lan_address()}:5000/j/{code}"


def test_qr_code_carries_the_public_url_when_set(app, client, session_code):
    session_id, code = session_code
    app.config["PUBLIC_URL"] = "https://dialog.example.org/"
    svg = client.get(f"/sessions/{session_id}/qr.svg").get_data(as_text=True)
    assert decode_qr_svg(svg) == f"https://dialog.example.org/j/{code}"


def test_console_and_screen_show_code_and_join_address(client, session_code):
    session_id, code = session_code
    for page in (f"/sessions/{session_id}", f"/sessions/{session_id}/screen"):
        html = client.get(page, base_url="http://localhost:5000").get_data(as_text=True)
        assert f"{code[:4]} {code[4:]}" in html
        assert f"/j/{code}" in html


def test_only_the_leader_sees_console_screen_and_qr(app, client, session_code, make_user):
    session_id, _ = session_code
    client.post("/logout", data={"csrf_token": csrf_token(client, "/modules")})
    for page in ("", "/screen", "/qr.svg"):
        assert client.get(f"/sessions/{session_id}{page}").status_code == 302  # to login
    make_user(email="other@example.org")
    log_in(client, email="other@example.org")
    for page in ("", "/screen", "/qr.svg"):
        assert client.get(f"/sessions/{session_id}{page}").status_code == 403


def test_enter_code_page_finds_the_session(client, session_code):
    _, code = session_code
    assert client.get("/j").status_code == 200
    token = csrf_token(client, "/j")
    found = client.post("/j", data={"code": f"{code[:4]} {code[4:]}", "csrf_token": token})
    assert found.status_code == 302 and found.headers["Location"] == f"/j/{code}"
    missing = client.post("/j", data={"code": "99999999", "csrf_token": token})
    assert missing.status_code == 404
    assert "Det finns ingen pågående session med den koden" in missing.get_data(as_text=True)


def test_participant_page_names_the_session_and_knows_ended_sessions(app, client, session_code):
    session_id, code = session_code
    page = client.get(f"/j/{code}", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # What one is joining, module and part, before anything connects; the steps come over /live.
    assert '<h1 id="session-title">Demografi och urbanisering</h1>' in html
    assert "Norrbotten för alla" in html
    assert "Befolkningen förändras" not in html  # the first step's title
    finnish = client.get(f"/j/{code}", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
    assert "Demografia ja kaupungistuminen" in finnish.get_data(as_text=True)
    assert client.get("/j/12").status_code == 404
    with app.app_context():
        control(db.session.get(LiveSession, session_id), "end")
        db.session.commit()
    assert client.get(f"/j/{code}").status_code == 410


def test_starting_a_session_from_the_library(client, session_code):
    token = csrf_token(client, "/modules")
    started = client.post(
        "/sessions",
        data={"module": "strategiskt-forum", "part": "fokusomraden", "csrf_token": token},
    )
    assert started.status_code == 302
    assert re.fullmatch(r"/sessions/\d+", started.headers["Location"])
    bad = client.post("/sessions", data={"module": "nope", "part": "x", "csrf_token": token})
    assert bad.status_code == 400
    assert (
        client.post(
            "/sessions", data={"module": "strategiskt-forum", "part": "fokusomraden"}
        ).status_code
        == 400
    )
