"""The analysis in a worker process (facilitate.analysis.worker): the same answers as computed in
place, in the request's language, from another process on the same database; a worker that
takes too long is stopped and reported, never waited for."""

import os
import pickle

import pytest
import sqlalchemy as sa

from facilitate.analysis import explain, worker
from facilitate.auth import Role, User
from facilitate.auth.operations import create_token
from facilitate.core.i18n import in_language
from facilitate.exports.schemas import ExportFilter
from facilitate.extensions import db

from .analysisdata import STATEMENTS_STEP, plant
from .conftest import log_in, new_app
from .test_live_server import wait_for


@worker.task
def _process_id() -> int:
    """Which process runs a task (a task of this test only)."""
    return os.getpid()


@worker.task
def _fails() -> None:
    raise RuntimeError("a bug in an analysis")


@pytest.fixture
def app(tmp_path):
    app = new_app(DATABASE_URL=f"sqlite:///{tmp_path / 'analysis.sqlite3'}")
    yield app
    with app.app_context():
        db.drop_all()


@pytest.fixture
def planted(app):
    return plant(app, people=12)


def _everything(app, mode: str, language: str):
    app.config["ANALYSIS_WORKER"] = mode
    selection = ExportFilter()
    with app.test_request_context(), in_language(language):
        return (
            explain.themes_for(selection),
            explain.opinions_for(selection, None),
            explain.opinions_for(selection, STATEMENTS_STEP),
            explain.opinions_for(selection, "no-such-step"),
            explain.participation_for(selection),
        )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_worker_gives_the_same_answers_as_in_place(app, planted, language):
    inline = _everything(app, "inline", language)
    in_worker = _everything(app, "process", language)
    assert in_worker == inline
    themes, opinions, one, unknown, (places, _unit, times) = in_worker
    assert len([t for t in themes["themes"] if t["source"] == "found"]) >= 2
    assert [len(o["groups"]) for o in opinions] == [2]
    assert one == opinions and unknown is None
    assert len(places) >= 14 and times
    if language == "en":
        assert "Snowball" in themes["method"] and "grupperas" not in themes["method"]


def test_the_work_runs_in_another_process_only_when_asked(app):
    with app.test_request_context():
        app.config["ANALYSIS_WORKER"] = "process"
        child = worker.run(_process_id)
        assert child != os.getpid()
        # A task that fails is the request's error; the worker stays for the next one.
        with pytest.raises(worker.WorkerError):
            worker.run(_fails)
        assert worker.run(_process_id) == child
        app.config["ANALYSIS_WORKER"] = "inline"
        assert worker.run(_process_id) == os.getpid()
        # auto: outside a gevent server, in place.
        app.config["ANALYSIS_WORKER"] = "auto"
        assert worker.run(_process_id) == os.getpid()


def _niceness(pid: int) -> int | None:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:
        return None


def _lowered(pid: int, server: int) -> bool:
    """Whether the process has both its lower niceness and the idle class (two calls)."""
    try:
        idle = os.sched_getscheduler(pid) == os.SCHED_IDLE
    except OSError:
        return False
    return idle and _niceness(pid) == server + worker.NICENESS


def _loaded(pid: int, library: str) -> bool:
    with open(f"/proc/{pid}/maps") as maps:
        return library in maps.read()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux: reads /proc, SCHED_IDLE")
def test_a_worker_yields_to_the_server_from_its_start(app):
    """The worker's own start (the app, scikit-learn: seconds of CPU) runs at the lower
    priority already, so it never takes CPU from a room joining as the server starts."""
    with app.test_request_context():
        started = worker.Worker(pickle.dumps(worker._settings()))
    try:
        pid, server = started.process.pid, os.getpriority(os.PRIO_PROCESS, 0)
        # Until its first two instructions (or its end): seconds before it imports anything.
        wait_for(lambda: _lowered(pid, server) or not started.alive(), "its priority", 60)
        assert _niceness(pid) == server + worker.NICENESS
        assert os.sched_getscheduler(pid) == os.SCHED_IDLE  # only CPU time nothing else wants
        assert not _loaded(pid, "sklearn")  # still starting: scikit-learn not loaded yet
        job = {"task": f"{__name__}:_process_id", "args": (), "locale": "sv"}
        assert started.call("_process_id", pickle.dumps(job), 60) == pid
        assert _loaded(pid, "sklearn") and _niceness(pid) == server + worker.NICENESS
    finally:
        started.stop()


def test_an_in_memory_database_is_analysed_in_place():
    app = new_app()
    app.config["ANALYSIS_WORKER"] = "process"
    with app.test_request_context():
        assert worker.run(_process_id) == os.getpid()


def test_a_worker_that_takes_too_long_is_stopped(app, planted, caplog):
    app.config.update(ANALYSIS_WORKER="process", ANALYSIS_TIMEOUT=0.01)
    with app.test_request_context(), pytest.raises(worker.WorkerError):
        explain.themes_for(ExportFilter())
    assert "ran longer than" in caplog.text


def test_a_failed_analysis_is_a_clear_503_on_pages_and_api(app, planted, make_user, client):
    make_user(email="analys@example.org", role=Role.analyst)
    with app.app_context():
        token = create_token(db.session.scalar(sa.select(User).where(User.role == Role.analyst)))
        db.session.commit()
    app.config.update(ANALYSIS_WORKER="process", ANALYSIS_TIMEOUT=0.01)
    api = client.get("/api/v1/analysis/themes", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 503
    assert api.get_json()["error"] == "analysis_unavailable"
    exported = client.get(
        "/api/v1/export",
        query_string={"format": "json"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert exported.status_code == 503
    assert exported.get_json()["error"] == "analysis_unavailable"
    assert log_in(client, email="analys@example.org").status_code == 302
    for path in ("/analysis/themes", "/analysis/opinions", "/analysis/participation"):
        page = client.get(path, headers={"Accept-Language": "en"})
        assert page.status_code == 503
        assert "Try again" in page.get_data(as_text=True)


def test_only_registered_functions_run_in_a_worker(app):
    with app.test_request_context(), pytest.raises(ValueError):
        worker.run(os.getpid)


def test_a_worker_reads_postgresql_as_the_server_does(tmp_path):
    """With PostgreSQL (several server processes) the worker opens its own connection to it."""
    from . import services

    if {"initdb", "postgres"} & set(services.missing_programs()):
        pytest.skip("PostgreSQL is not installed (make cluster-deps)")
    with services.postgres(tmp_path / "postgres") as url:
        app = new_app(DATABASE_URL=url)
        try:
            plant(app, people=12)
            assert _everything(app, "process", "sv") == _everything(app, "inline", "sv")
        finally:
            with app.app_context():
                db.drop_all()
                db.engine.dispose()
