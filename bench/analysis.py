"""Benchmark of the analysis (issue #19): themes of 10,000 open contributions and opinion
groups of 2,000 participants × 30 statements, in a SQLite database made for it; and whether an
analysis request holds up the live server's event loop.

    python -m bench.analysis                  # the numbers, written to bench/analysis.md
    python -m bench.analysis --contributions 2000 --people 400   # smaller

What it does: 40 sessions of the forum's principles part (its open question and its statements
step), in circles across the 14 municipalities; 2,000 participants; 10,000 contributions in
Swedish, Finnish and English on ten topics; every participant reacting to the step's 7
statements and 23 approved proposals (30). Then it times, in this process, the read of the
selection (the export's rows), the themes and the opinion groups; and against ``facilitate
serve`` on loopback, the API requests, while a probe asks ``/healthz`` every 20 ms: its
slowest answer during the analysis is how long the event loop was held up.
"""

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
MODULE, PART = "strategiskt-forum", "principer"
OPEN_STEP, STATEMENTS_STEP = "principer-i-praktiken", "principer-pastaenden"
PROPOSALS = 23
#: The bench users' password (the password policy refuses weak ones).
PASSWORD = "correct horse battery"

TOPICS = {
    "sv": [
        "buss tåg kollektivtrafik resor pendling biljett",
        "läkare vård hälsocentral sjuksköterska äldreomsorg hemtjänst",
        "skola lärare elever utbildning förskola läxor",
        "bredband internet uppkoppling mobiltäckning digital fiber",
        "jobb arbete företag näringsliv anställning lön",
        "bostad hyresrätt lägenhet byggande boende hyra",
        "förening idrott kultur bibliotek fritid ungdomar",
        "klimat miljö skog natur renar vatten",
    ],
    "fi": [
        "metsä luonto hakkuu suojelu järvi porot",
        "koulu opettaja oppilas kieli opetus kirjasto",
    ],
    "en": ["funding grants money budget partnership projects"],
}
FILLERS = {
    "sv": "vi behöver mer och bättre för att det ska bli",
    "fi": "meidän pitää saada enemmän ja parempaa että",
    "en": "we need more and better so that there will be",
}


def _sentence(rng: random.Random, language: str, topic: str) -> str:
    words = rng.sample(topic.split(), 3) + rng.sample(FILLERS[language].split(), 4)
    rng.shuffle(words)
    return " ".join(words).capitalize()


def build(path: Path, contributions: int, people: int, seed: int = 19):
    """The benchmark database at ``path``; returns the app."""
    from flask_migrate import upgrade

    from facilitate import create_app
    from facilitate.auth import Role
    from facilitate.auth.operations import create_token, create_user
    from facilitate.circles.municipalities import MUNICIPALITIES
    from facilitate.circles.operations import create_circle
    from facilitate.dialogue.models import Proposal, ProposalStatus
    from facilitate.extensions import db
    from facilitate.sessions import operations
    from facilitate.sessions.models import Participant, Response, SessionStatus

    rng = random.Random(seed)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        leader = create_user("leader@bench.example", Role.leader, PASSWORD, min_length=10)
        analyst = create_user("analyst@bench.example", Role.analyst, PASSWORD, min_length=10)
        db.session.flush()
        token = create_token(analyst)
        sessions = []
        for n in range(40):
            place = MUNICIPALITIES[n % len(MUNICIPALITIES)]
            circle = create_circle(leader, f"Cirkel {n}", place.id, "Bench", MODULE)
            session = operations.create_session(leader, MODULE, PART, "sv", circle)
            session.status = SessionStatus.ended
            session.started_at = datetime(2026, 9, 1, 17, tzinfo=UTC) + timedelta(days=n)
            sessions.append(session)
        db.session.flush()
        languages = ["sv"] * 7 + ["fi"] * 2 + ["en"]
        rows = [
            {
                "session_id": sessions[i % len(sessions)].id,
                "token_hash": f"{i:064x}",
                "locale": rng.choice(languages),
            }
            for i in range(people)
        ]
        db.session.execute(sa.insert(Participant), rows)
        participants = db.session.execute(
            sa.select(Participant.id, Participant.session_id, Participant.locale)
        ).all()
        for p in range(PROPOSALS):
            who = participants[p]
            db.session.add(
                Proposal(
                    session_id=who.session_id,
                    participant_id=who.id,
                    step_id=STATEMENTS_STEP,
                    submission_id=f"prop{p}",
                    text=f"Förslag {p}: " + _sentence(rng, "sv", rng.choice(TOPICS["sv"])),
                    status=ProposalStatus.approved,
                )
            )
        db.session.flush()
        statements = [s.id for s in _statements_step(app).statements]
        statements += [f"p{i}" for i in db.session.scalars(sa.select(Proposal.id))]
        start = datetime(2026, 9, 1, 17, tzinfo=UTC)
        responses = []
        for c in range(contributions):
            who = participants[c % len(participants)]
            language = who.locale
            responses.append(
                {
                    "session_id": who.session_id,
                    "participant_id": who.id,
                    "step_id": OPEN_STEP,
                    "submission_id": f"o{c}",
                    "value": _sentence(rng, language, rng.choice(TOPICS[language])),
                    "created_at": start + timedelta(minutes=c % 5000),
                    "tags": [],
                }
            )
        for who in participants:
            camp = who.id % 3
            for s, statement in enumerate(statements):
                leaning = (s + camp) % 3
                reaction = ("agree", "disagree", "pass")[leaning]
                if rng.random() < 0.2:
                    reaction = rng.choice(("agree", "disagree", "pass"))
                responses.append(
                    {
                        "session_id": who.session_id,
                        "participant_id": who.id,
                        "step_id": STATEMENTS_STEP,
                        "submission_id": f"s{statement}",
                        "value": reaction,
                        "statement": statement,
                        "created_at": start,
                        "tags": [],
                    }
                )
        for at in range(0, len(responses), 5000):
            db.session.execute(sa.insert(Response), responses[at : at + 5000])
        db.session.commit()
        db.engine.dispose()
    return app, token, len(statements)


def _statements_step(app):
    from facilitate.content import library

    part = library().get(MODULE).part(PART)
    return next(s for s in part.steps if s.id == STATEMENTS_STEP)


def _timed(func, *args):
    started, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


def in_process(app) -> dict:
    """The parts of an analysis request, timed in this process (no server)."""
    from facilitate.analysis import queries
    from facilitate.analysis.opinions import Vote, opinion_groups
    from facilitate.analysis.themes import find_themes
    from facilitate.exports.schemas import ExportFilter
    from facilitate.exports.summaries import min_group_size

    out = {}
    with app.test_request_context():
        dataset, out["load_s"], _ = _timed(queries.analysis_dataset, ExportFilter())
        out["rows"] = len(dataset.rows)
        contributions, out["contributions_s"], _ = _timed(queries.contributions, dataset)
        contributions = queries.with_languages(contributions)
        out["contributions"] = len(contributions)
        themes, out["themes_s"], out["themes_cpu_s"] = _timed(
            find_themes, contributions, min_group_size(), ()
        )
        out["themes"] = sum(t.source == "found" for t in themes)
        out["theme_names"] = [" · ".join(t.terms) for t in themes if t.source == "found"]
        key = queries.statements_steps(dataset)[0]
        step = dataset.steps[key]
        votes = [
            Vote(r.participant, r.statement, r.value)
            for r in dataset.rows
            if r.step == key[2] and r.statement is not None
        ]
        statements = [s.id for s in step.statements]
        found, out["opinions_s"], out["opinions_cpu_s"] = _timed(
            opinion_groups, votes, statements, min_group_size()
        )
        out["matrix"] = f"{found.participants} × {len(statements)}"
        out["groups"] = [g.size for g in found.groups]
    return out


def _probe(base: str, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        with urllib.request.urlopen(base + "/healthz", timeout=60) as answer:
            answer.read()
        latencies.append(time.perf_counter() - started)
        time.sleep(0.02)


def against_server(path: Path, token: str) -> dict:
    """The API requests against ``facilitate serve``, with the /healthz probe running."""
    from tests.realserver import running_server, server_env

    out = {}
    env = server_env(path.parent / "instance", FACILITATE_DATABASE_URL=f"sqlite:///{path}")
    with running_server(env, output=open(path.parent / "server.log", "w")) as (base, _server):
        quiet: list[float] = []
        stop = threading.Event()
        probe = threading.Thread(target=_probe, args=(base, stop, quiet))
        probe.start()
        time.sleep(3)
        stop.set()
        probe.join()
        out["healthz_idle_max_ms"] = round(max(quiet) * 1000, 1)
        for name in ("themes", "opinions"):
            latencies: list[float] = []
            stop = threading.Event()
            probe = threading.Thread(target=_probe, args=(base, stop, latencies))
            probe.start()
            request = urllib.request.Request(
                f"{base}/api/v1/analysis/{name}", headers={"Authorization": f"Bearer {token}"}
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=300) as answer:
                body = json.loads(answer.read())
            took = time.perf_counter() - started
            stop.set()
            probe.join()
            out[f"api_{name}_s"] = round(took, 2)
            out[f"api_{name}_healthz_max_ms"] = round(max(latencies) * 1000, 1)
            out[f"api_{name}_healthz_median_ms"] = round(statistics.median(latencies) * 1000, 1)
            out[f"api_{name}_items"] = len(body.get("themes", body.get("steps", [])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("-o", "--output", default=str(HERE / "analysis.md"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="facilitate-analysis-bench-"))
    path = folder / "bench.sqlite3"
    started = time.perf_counter()
    app, token, statements = build(path, args.contributions, args.people)
    print(
        f"built {args.contributions} contributions, {args.people} people × {statements} "
        f"statements in {time.perf_counter() - started:.1f} s"
    )
    results = {
        "contributions_made": args.contributions,
        "people": args.people,
        "statements": statements,
        **in_process(app),
    }
    if not args.no_server:
        results.update(against_server(path, token))
    for key, value in results.items():
        print(f"{key}: {value}")
    lines = [
        "# Analysis benchmark (issue #19)",
        "",
        "`python -m bench.analysis`, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on this machine (2 cores shared).",
        "",
        "| measure | value |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in results.items()]
    Path(args.output).write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
