"""How long each part of an analysis holds up a gevent event loop, in a monkey-patched process
as the server is: a ticker greenlet sleeps 10 ms at a time and records how late it wakes while
the read (in the greenlet, pausing every 500 rows) and the computations (in gevent's thread
pool) run. Takes the database ``bench.analysis`` made:

    python -m bench.analysis_loop /tmp/facilitate-analysis-bench-*/bench.sqlite3
"""

from gevent import monkey

monkey.patch_all()

import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402


def main(path: str) -> None:
    from facilitate import create_app
    from facilitate.analysis import queries
    from facilitate.exports.schemas import ExportFilter

    logging.disable(logging.INFO)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    gaps: list[float] = []

    def ticker():
        last = time.perf_counter()
        while True:
            gevent.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last - 0.01)
            last = now

    def phase(name, work):
        gaps.clear()
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        print(
            f"{name}: {time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU, loop held up at most "
            f"{max(gaps or [0]) * 1000:.0f} ms ({len(gaps)} ticks)",
            flush=True,
        )
        return result

    gevent.spawn(ticker)
    with app.test_request_context():
        dataset = phase("read (greenlet)", lambda: queries.analysis_dataset(ExportFilter()))
        phase("themes (worker thread)", lambda: queries.themes(dataset))
        phase("opinions (worker thread)", lambda: queries.opinions(dataset))


if __name__ == "__main__":
    main(sys.argv[1])
