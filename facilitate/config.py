"""Configuration: defaults < ``instance/config.py`` < ``FACILITATE_*`` environment < override.

Every setting has a default here, so the app runs with nothing configured: SQLite in the
instance folder and a secret key generated once and kept there.
"""

import os
import secrets
from pathlib import Path
from typing import Any

#: The repository root (the folder holding ``modules/``, ``templates/`` and ``static/``).
ROOT = Path(__file__).resolve().parent.parent

ENV_PREFIX = "FACILITATE"


class Defaults:
    """Built-in defaults; every one can be overridden by the layers above it."""

    #: SQLAlchemy URL; empty means SQLite in the instance folder.
    DATABASE_URL = ""
    #: Session-cookie signing key; empty means generate one and keep it in the instance folder.
    SECRET_KEY = ""
    #: The address participants use, e.g. ``https://dialog.example.org``; empty means LAN address.
    PUBLIC_URL = ""
    #: Who runs this installation, named in the accessibility statement (e.g. "Region Norrbotten").
    ORGANISATION_NAME = ""
    #: The e-mail address where people report accessibility problems (accessibility statement).
    ACCESSIBILITY_CONTACT = ""
    #: Flask-SocketIO message queue (``redis://...``) for several processes; empty for one.
    MESSAGE_QUEUE = ""
    #: The name this server gives itself in exports; a central server shows it as the origin of
    #: the sessions it imported from here. Empty means the machine's host name.
    INSTANCE_NAME = ""
    #: The county's central server that ``facilitate sync push`` and the console's "Skicka till
    #: regionen" send ended sessions to, and the API token (a leader's) they send with.
    CENTRAL_URL = ""
    CENTRAL_TOKEN = ""
    #: Largest document ``POST /api/v1/imports`` and the import page take, in bytes.
    IMPORT_MAX_BYTES = 20 * 1024 * 1024
    #: Seconds ``sync push`` waits for the central server before giving up on a session.
    SYNC_TIMEOUT = 120
    #: Folder of study-circle and dialogue modules.
    MODULES_PATH = str(ROOT / "modules")

    #: Failed logins allowed per e-mail address and per client address (``limits`` notation).
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    #: Failed joins (unknown join codes) allowed per client address; see docs/security.md.
    JOIN_LIMIT_PER_ADDRESS = "20 per minute"
    #: ... and per connection, counted first: one phone mistyping cannot use up its address's.
    JOIN_LIMIT_PER_CONNECTION = "5 per minute"
    #: New participants one client address may add to one session; resumes are never
    #: counted. It keeps one address from filling a session before its leader can lock it:
    #: twice this (two windows back to back) stays below MAX_PARTICIPANTS_PER_SESSION, so
    #: filling one takes three windows, at least ten minutes; a forum of 2,000 phones behind
    #: one venue's address still all join within a minute (docs/security.md, "Join codes").
    JOIN_LIMIT_PER_SESSION_ADDRESS = "2400 per 5 minutes"
    #: Events one Socket.IO connection may send; more get a ``rate_limited`` ack.
    EVENT_LIMIT_PER_CONNECTION = "20 per second"
    #: Events all connections from one client address may send together: a whole forum
    #: behind one venue's address (2,000 phones joining and answering within the same ten
    #: seconds, a few events each) stays under it; one client flooding over many connections
    #: does not (docs/security.md, "A shared address").
    EVENT_LIMIT_PER_ADDRESS = "15000 per 10 seconds"
    #: Answers, edits and proposed statements one participant may send.
    ANSWER_LIMIT_PER_PARTICIPANT = "60 per minute"
    #: Participants one session takes; later joins get ``session_full``.
    MAX_PARTICIPANTS_PER_SESSION = 5000
    #: Months after which a session's participants and raw responses are deleted by
    #: ``facilitate retention apply`` (its aggregate results are kept).
    RETENTION_MONTHS = 12
    #: The data controller named on the privacy page (the organisation running this server).
    CONTROLLER_NAME = ""
    CONTROLLER_CONTACT = ""
    #: Where rate-limit counters live: ``memory://`` in one process, ``redis://...`` in several.
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_MIN_LENGTH = 10
    #: Days a login lasts at most; logging out or changing the password ends it sooner.
    LOGIN_MAX_AGE_DAYS = 30
    #: How often each process checks that the logins its Socket.IO connections came with have
    #: not ended (logout elsewhere, password change), closing those that have (seconds; 0: never).
    LOGIN_CHECK_SECONDS = 5
    #: argon2-cffi parameter profile for password hashes (``argon2.profiles``).
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"

    #: Longest open-text contribution, in characters.
    OPEN_TEXT_MAX_LENGTH = 500
    #: Longest word-cloud answer, in characters ("a few words").
    WORDCLOUD_MAX_LENGTH = 40
    #: Longest statement a participant may propose, in characters.
    STATEMENT_MAX_LENGTH = 200
    #: Longest theme label a leader may give a group of contributions.
    THEME_MAX_LENGTH = 60
    #: Longest display name a participant may give.
    NAME_MAX_LENGTH = 40
    #: Digits in a join code; see docs/security.md for why eight.
    JOIN_CODE_DIGITS = 8
    #: Socket.IO messages larger than this are refused (bytes).
    MAX_MESSAGE_BYTES = 16 * 1024
    #: REST API request bodies larger than this are refused (bytes).
    API_MAX_BODY_BYTES = 16 * 1024
    #: Live tallies to the leader and big screen are sent at most this often (seconds); less
    #: often while a tally is costly (sessions/live.py: TALLY_SHARE, TALLY_MAX_INTERVAL).
    TALLY_INTERVAL = 0.25
    #: Answers arriving within this many seconds are stored in one commit (group commit); each
    #: is still acknowledged only after its commit. 0 still groups what is already waiting.
    ANSWER_COMMIT_WINDOW = 0.005
    #: New participants joining within this many seconds are stored in one commit, each phone
    #: acknowledged after it (sessions/joins.py).
    JOIN_COMMIT_WINDOW = 0.02
    #: Origins allowed to open a Socket.IO connection besides the app's own; "*" allows any.
    SOCKET_ALLOWED_ORIGINS = ""
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (1
    #: behind nginx, docs/deploy.md): client addresses for the join and login limits come from
    #: there. 0 when clients connect directly; never more than there really are.
    TRUSTED_PROXIES = 0
    #: Database connections per process (SQLAlchemy pool size, plus as many again on demand).
    DATABASE_POOL_SIZE = 10
    #: Reports and summaries show counts from fewer people than this as "fewer than N"
    #: (docs/export-format.md); 1 shows every count.
    EXPORT_MIN_GROUP_SIZE = 3
    #: Where an analysis (themes, opinion groups, participation) reads and computes: ``auto``
    #: in a separate worker process under the gevent server (so live sessions never wait for
    #: it), else in place; ``process`` always in a worker; ``inline`` never (docs/analysis.md).
    ANALYSIS_WORKER = "auto"
    #: Analysis workers running at once; further analysis requests wait for one.
    ANALYSIS_WORKERS = 2
    #: Whether the gevent server starts one analysis worker as it starts (so the first analysis
    #: request does not wait seconds for it), or only on the first analysis request.
    ANALYSIS_WORKER_AHEAD = True
    #: Seconds an analysis worker may run before it is stopped and the request fails.
    ANALYSIS_TIMEOUT = 300

    LANGUAGES = ("sv", "en", "fi")
    BABEL_DEFAULT_LOCALE = "sv"
    #: ``language:like`` pairs: a language Babel has no locale data for formats dates, numbers
    #: and plurals like ``like`` (docs/translating.md); any other such language like Swedish.
    FORMATS_FOR_LANGUAGE = ("fit:fi",)
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"


def load(instance_path: str | os.PathLike, override: dict[str, Any] | None = None) -> dict:
    """Return the merged configuration for an app whose instance folder is ``instance_path``."""
    instance = Path(instance_path)
    config: dict[str, Any] = {k: v for k, v in vars(Defaults).items() if k.isupper()}
    config.update(_instance_file(instance / "config.py"))
    config.update(_environment())
    config.update(override or {})
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = f"sqlite:///{instance / 'facilitate.sqlite3'}"
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret_key(instance)
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    if not config["DATABASE_URL"].startswith("sqlite"):
        # A server database under gevent: enough connections for the greenlets that query at
        # once, and a check before reuse so a restarted database server is noticed.
        size = config["DATABASE_POOL_SIZE"]
        config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS",
            {"pool_size": size, "max_overflow": size, "pool_pre_ping": True},
        )
    return config


def _instance_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return {k: v for k, v in namespace.items() if k.isupper()}


def _environment() -> dict[str, Any]:
    prefix = ENV_PREFIX + "_"
    return {
        key.removeprefix(prefix): _coerce(key.removeprefix(prefix), value)
        for key, value in os.environ.items()
        if key.startswith(prefix) and key != prefix + "INSTANCE_PATH"
    }


def _coerce(name: str, value: str) -> Any:
    """Give an environment value the type of the setting's default (int, float, bool, str, or a
    tuple written as a comma-separated list: ``FACILITATE_LANGUAGES=sv,en,fi``)."""
    default = getattr(Defaults, name, None)
    if isinstance(default, tuple):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def _instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it (readable by the owner only) the first time."""
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    instance.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file and link it into place: if another process got there
    # first, the link fails and both use the key that won.
    temporary = instance / f".secret_key.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(32) + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="ascii").strip()


def instance_path() -> Path:
    """The instance folder: ``FACILITATE_INSTANCE_PATH`` or ``instance/`` in the repository."""
    return Path(os.environ.get(ENV_PREFIX + "_INSTANCE_PATH") or ROOT / "instance")
