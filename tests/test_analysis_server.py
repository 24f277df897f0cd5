"""On the real server (``facilitate serve``: one gevent process) over loopback: while an analyst's
large analysis runs, the live session goes on. A participant's answers are acknowledged and
stored, and ``/healthz`` answers, before the analysis response arrives; and the analysis is
what it should be (bench/analysis.py's corpus of ten topics).

Nothing here asserts how fast anything is: only the order (answered while the analysis was
still running) and that nothing was lost. The time limits are generous bounds so that a hang
fails instead of blocking.
"""

import threading
import time

import requests
import socketio
import sqlalchemy as sa

from bench.analysis import OPEN_STEP, build
from bench.analysis_loop import live_session
from facilitate.extensions import db
from facilitate.sessions.models import Participant, Response

from .realserver import running_server, server_env

NAMESPACE = "/live"
LIMIT = 300


def test_a_participant_is_answered_while_a_large_analysis_runs(tmp_path):
    path = tmp_path / "analysis.sqlite3"
    app, token, _statements = build(path, contributions=3000, people=600)
    code = live_session(app)
    env = server_env(
        tmp_path / "instance",
        FACILITATE_DATABASE_URL=f"sqlite:///{path}",
        # The phone answers far more often than a person does; the limits have their own tests.
        FACILITATE_ANSWER_LIMIT_PER_PARTICIPANT="100000 per minute",
        FACILITATE_EVENT_LIMIT_PER_CONNECTION="1000 per second",
        FACILITATE_ANALYSIS_WORKER_AHEAD="1",
    )
    with (
        open(tmp_path / "server.log", "w") as log,
        running_server(env, output=log) as (base, _server),
    ):
        phone = socketio.Client(reconnection=False)
        phone.connect(base, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=LIMIT)
        joined = phone.call(
            "join", {"code": code, "name": "Telefon", "locale": "sv"}, namespace=NAMESPACE
        )
        assert joined["ok"], joined
        analysis: dict = {}

        def analyse():
            analysis["sent"] = time.monotonic()
            answer = requests.get(
                base + "/api/v1/analysis/themes",
                headers={"Authorization": f"Bearer {token}"},
                timeout=LIMIT,
            )
            analysis["done"] = time.monotonic()
            analysis["answer"] = answer

        analyst = threading.Thread(target=analyse)
        healthz, acks = [], []
        analyst.start()
        try:
            while analyst.is_alive():
                started = time.monotonic()
                assert requests.get(base + "/healthz", timeout=LIMIT).status_code == 200
                healthz.append((started, time.monotonic()))
                number = len(acks)
                started = time.monotonic()
                ack = phone.call(
                    "answer",
                    {"step": OPEN_STEP, "value": f"Svar {number}", "submission_id": f"t{number}"},
                    namespace=NAMESPACE,
                    timeout=LIMIT,
                )
                assert ack == {"ok": True, "duplicate": False}, ack
                acks.append((started, time.monotonic()))
                time.sleep(0.05)
        finally:
            analyst.join(timeout=LIMIT)
            phone.disconnect()
        answer = analysis["answer"]
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert sum(t["source"] == "found" for t in body["themes"]) >= 8
        assert body["contributions"] >= 3000

    sent, done = analysis["sent"], analysis["done"]

    def while_analysing(times):
        return [(a, b) for a, b in times if sent < a and b < done]

    assert while_analysing(healthz), "no /healthz answered while the analysis ran"
    assert while_analysing(acks), "no answer acknowledged while the analysis ran"
    with app.app_context():
        stored = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Response)
            .join(Participant)
            .where(Participant.name == "Telefon", Response.step_id == OPEN_STEP)
        )
        db.engine.dispose()
    assert stored == len(acks)
