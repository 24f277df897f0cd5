"""Real PostgreSQL, Redis and nginx on free loopback ports, each in its own temporary folder,
for the cluster test and the benchmark. The programs come from Debian's packages, installed by
``make cluster-deps`` when missing (nothing here installs anything).

Every service runs in its own process group and is stopped (terminate, then kill) when its
``with`` block ends, so nothing is left running. No pytest here: bench/ uses it too.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: How long a service may take to come up on a slow machine (not a performance assertion).
STARTUP_LIMIT = 60
SHUTDOWN_LIMIT = 20
#: The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root).
POSTGRES_USER = "postgres"


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path | None = None):
    deadline = time.monotonic() + STARTUP_LIMIT
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                text = log.read_text() if log and log.exists() else ""
                raise ServiceError(f"{what} exited with {process.returncode}\n{text}") from None
            if time.monotonic() > deadline:
                raise ServiceError(
                    f"{what} did not listen on {port} in {STARTUP_LIMIT} s"
                ) from None
            time.sleep(0.1)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with ``start_new_session=True``: ``sig`` to its group, then
    SIGKILL to the group if it does not end in time."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=SHUTDOWN_LIMIT)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=SHUTDOWN_LIMIT)


def _program(name: str, *patterns: str) -> str:
    found = shutil.which(name) or next(
        (p for pattern in patterns for p in sorted(glob.glob(pattern), reverse=True)), None
    )
    if not found:
        raise ServiceError(f"{name} not found: run `make cluster-deps` (Debian packages)")
    return found


def missing_programs() -> list[str]:
    """Which of the services' programs are not installed."""
    wanted = {
        "redis-server": ("/usr/bin/redis-server",),
        "nginx": ("/usr/sbin/nginx",),
        "initdb": ("/usr/lib/postgresql/*/bin/initdb",),
        "postgres": ("/usr/lib/postgresql/*/bin/postgres",),
    }
    missing = []
    for name, patterns in wanted.items():
        try:
            _program(name, *patterns)
        except ServiceError:
            missing.append(name)
    return missing


def _as_postgres_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", POSTGRES_USER, "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def postgres(folder: Path, database: str = "facilitate") -> Iterator[str]:
    """A PostgreSQL server on a free loopback port with an empty ``database``; yields its
    SQLAlchemy URL (psycopg 3). Trust authentication on loopback: it is a test server.

    Its data lives in a folder of its own (removed afterwards) that the ``postgres`` account can
    reach when we are root, since PostgreSQL refuses to run as root; ``folder`` gets its log."""
    initdb = _program("initdb", "/usr/lib/postgresql/*/bin/initdb")
    server = _program("postgres", "/usr/lib/postgresql/*/bin/postgres")
    folder.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="facilitate-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(home, POSTGRES_USER)
        data, log = home / "data", home / "postgres.log"
        done = subprocess.run(
            _as_postgres_user(
                [
                    initdb,
                    "-D",
                    str(data),
                    "-U",
                    "facilitate",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            capture_output=True,
            text=True,
            timeout=STARTUP_LIMIT,
        )
        if done.returncode != 0:
            raise ServiceError(f"initdb failed: {done.stdout}{done.stderr}")
        port = free_port()
        with open(log, "w") as out:
            process = subprocess.Popen(
                _as_postgres_user(
                    [
                        server,
                        "-D",
                        str(data),
                        "-p",
                        str(port),
                        "-h",
                        "127.0.0.1",
                        "-k",
                        str(home),
                        "-c",
                        "max_connections=200",
                        "-c",
                        f"log_directory={home}",
                    ]
                ),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(port, process, "postgres", log)
            _create_database(port, database, process, log)
            yield f"postgresql+psycopg://facilitate@127.0.0.1:{port}/{database}"
        finally:
            stop(process, signal.SIGINT)  # fast shutdown
            if log.exists():
                shutil.copy(log, folder / "postgres.log")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _create_database(port: int, database: str, process, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + STARTUP_LIMIT
    while True:
        try:
            with psycopg.connect(
                host="127.0.0.1", port=port, user="facilitate", dbname="postgres", autocommit=True
            ) as connection:
                connection.execute(f'CREATE DATABASE "{database}"')
                return
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServiceError(f"postgres not ready\n{log.read_text()}") from None
            time.sleep(0.2)


@contextmanager
def redis(folder: Path) -> Iterator[str]:
    """A Redis server on a free loopback port, nothing persisted; yields its URL."""
    program = _program("redis-server", "/usr/bin/redis-server")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "redis.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                program,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
                "--protected-mode",
                "yes",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


#: The nginx configuration of docs/deploy.md, reduced to what a loopback test needs.
#: Sticky routing hashes a client-chosen value: the ``affinity`` query argument when the client
#: sends one, else the ``facilitate_route`` cookie nginx hands out on a first request (its value
#: is the hash key of that very request, so later requests land on the same process). Never the
#: client address: a whole village behind one NAT would land on one process.
NGINX_CONF = """
worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    map $arg_affinity $facilitate_chosen {{
        ""      $cookie_facilitate_route;
        default $arg_affinity;
    }}
    map $facilitate_chosen $facilitate_route {{
        ""      $request_id;
        default $facilitate_chosen;
    }}
    map $cookie_facilitate_route $facilitate_route_cookie {{
        ""      "facilitate_route=$facilitate_route; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}

    upstream facilitate {{
        hash $facilitate_route consistent;
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://facilitate;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 120s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            add_header Set-Cookie $facilitate_route_cookie;
            # Tests only: which app process answered.
            add_header X-Facilitate-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextmanager
def nginx(folder: Path, upstream_ports: list[int]) -> Iterator[str]:
    """nginx on a free loopback port in front of the app processes on ``upstream_ports``, with
    sticky routing as in docs/deploy.md; yields its base URL."""
    program = _program("nginx", "/usr/sbin/nginx")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstream_ports
    )
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
    log = folder / "nginx.out"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [program, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, process, "nginx", folder / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGQUIT)
