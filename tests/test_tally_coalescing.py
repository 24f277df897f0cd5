"""Coalesced tallies, on a real server (``facilitate serve`` over loopback): while a room answers
at once, the console and the big screen get a handful of tallies, not one per answer, and the
last one counts every answer; a costly tally makes the next one wait longer."""

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from facilitate.sessions.live import TALLY_MAX_INTERVAL, TallyScheduler

from .test_live_server import (  # noqa: F401 (live_server is a fixture)
    ACK_LIMIT,
    MODULE,
    NAMESPACE,
    PART,
    Console,
    Leader,
    Phone,
    live_client,
    live_server,
    ok,
    value_for,
    wait_for,
)

PHONES = 30


def test_a_burst_of_answers_ends_with_a_tally_counting_every_answer(live_server):  # noqa: F811
    base, token = live_server
    with ExitStack() as cleanup:
        leader = Leader(base, token)
        cleanup.callback(leader.close)
        created = leader.request(
            "POST", "/api/v1/sessions", 201, json={"module": MODULE, "part": PART}
        )
        session_id, code = created["id"], created["code"]
        console = Console(base, token)
        cleanup.callback(console.close)
        console.host(session_id)
        screen_tallies: list[dict] = []
        screen = live_client(base, auth={"token": token}, tally=screen_tallies.append)
        cleanup.callback(screen.disconnect)
        ok(screen.call("screen", {"session": session_id}, namespace=NAMESPACE, timeout=ACK_LIMIT))

        phones = [Phone(base, code, n) for n in range(1, PHONES + 1)]
        for phone in phones:
            cleanup.callback(phone.close)

        def arrive(phone: Phone) -> None:
            phone.connect()
            phone.join()

        with ThreadPoolExecutor(max_workers=PHONES) as pool:
            list(pool.map(arrive, phones))

        steps = leader.request("GET", f"/api/v1/sessions/{session_id}")["steps"]
        step_id = next(s["id"] for s in steps if s["kind"] in ("poll", "scale", "quiz"))
        leader.control(session_id, "start")
        leader.request(
            "POST",
            f"/api/v1/sessions/{session_id}/control",
            json={"action": "goto", "step": step_id},
        )
        wait_for(
            lambda: all((s := p.last_state()) and s["step"]["id"] == step_id for p in phones),
            "every phone to be shown the step",
        )
        view = phones[0].last_state()["step"]

        def send(phone: Phone) -> None:
            ack = phone.answer(step_id, value_for(view, phone.number), f"{phone.name}-burst")
            assert ack == {"ok": True, "duplicate": False}, ack

        with ThreadPoolExecutor(max_workers=PHONES) as pool:
            list(pool.map(send, phones))

        def of_step(tallies: list[dict]) -> list[dict]:
            return [t for t in tallies if t["step_id"] == step_id]

        for name, tallies in (("console", console.tallies), ("screen", screen_tallies)):
            wait_for(
                lambda tallies=tallies: (
                    of_step(tallies) and of_step(tallies)[-1]["answered_count"] == PHONES
                ),
                f"the {name}'s last tally to count every answer",
            )
        # Nothing later takes it back: the tally after the burst is the last word.
        pending = len(console.tallies), len(screen_tallies)
        time.sleep(TALLY_MAX_INTERVAL + 0.5)
        assert (len(console.tallies), len(screen_tallies)) == pending
        for tallies in (console.tallies, screen_tallies):
            last = of_step(tallies)[-1]
            assert last["answered_count"] == PHONES and last["participant_count"] == PHONES
            # Coalesced: a handful for thirty simultaneous answers, not one each.
            assert len(of_step(tallies)) < PHONES / 2, len(of_step(tallies))
        assert {p["answered"] for p in of_step(console.tallies)[-1]["participants"]} == {True}


def test_a_costly_tally_makes_the_next_one_wait_longer():
    """A tally that took a long time to build and send (a room of thousands, a busy machine)
    takes at most a tenth of the time between tallies; the console still hears at least every
    couple of seconds."""
    scheduler = TallyScheduler()
    assert scheduler.interval(1, 0.25) == 0.25  # no tally yet: the configured interval
    scheduler._cost[1] = 0.004  # a cheap tally
    assert scheduler.interval(1, 0.25) == 0.25
    scheduler._cost[1] = 0.06  # 60 ms
    assert scheduler.interval(1, 0.25) == pytest.approx(0.6)
    scheduler._cost[1] = 3.0
    assert scheduler.interval(1, 0.25) == TALLY_MAX_INTERVAL
    assert scheduler.interval(2, 0.25) == 0.25  # per session
