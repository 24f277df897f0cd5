"""facilitate: live dialogues and study circles."""

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask

from . import config
from .extensions import babel, csrf, db, login_manager, migrate, socketio

__all__ = ["create_app"]

MIGRATIONS = config.ROOT / "facilitate" / "migrations"


def create_app(config_override: dict[str, Any] | None = None) -> Flask:
    """Build the app. Raises :class:`facilitate.content.ContentError` if any module is broken."""
    app = Flask(
        __name__,
        instance_path=str(config.instance_path()),
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
    )
    app.config.update(config.load(app.instance_path, config_override))
    _configure_logging(app)
    _configure_db(app)
    _configure_i18n(app)
    _configure_security(app)
    _configure_socketio(app)
    _configure_proxy(app)
    _load_content(app)
    _register_blueprints(app)
    _configure_collector(app)
    return app


def _configure_collector(app: Flask) -> None:
    """In a server process, full garbage collections wait for a quiet moment
    (core/collector.py)."""
    from .core import collector

    app.before_request(collector.active)
    collector.install(socketio.start_background_task, socketio.sleep)


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing and not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def _configure_db(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets readers run while an answer is written; NORMAL sync is safe with WAL."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _configure_i18n(app: Flask) -> None:
    from .core.browser_kinds import step_kinds
    from .core.i18n import babel_locale_selector, template_helpers
    from .steps import kind_names

    babel.init_app(app, locale_selector=babel_locale_selector)
    app.context_processor(template_helpers)
    app.add_template_global(step_kinds)
    app.add_template_global(kind_names)  # each step kind's name, in the page's language


def _configure_security(app: Flask) -> None:
    from . import auth
    from .core import headers, throttle

    headers.init_app(app)
    throttle.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    auth.init_app(app)


def _configure_socketio(app: Flask) -> None:
    from . import dialogue, quiz  # noqa: F401  (register their step kinds)
    from .core import socketguard
    from .sessions import events  # noqa: F401  (registers the /live namespace)
    from .sessions.origins import OriginPolicy

    origins = [o for o in app.config["SOCKET_ALLOWED_ORIGINS"].split(",") if o.strip()]
    if app.config["PUBLIC_URL"]:
        origins.append(app.config["PUBLIC_URL"].rstrip("/"))
    # The extension object outlives one app (tests build many): drop a message queue client that
    # an earlier app configured, or it would be reused although this app has none.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode="gevent",
        message_queue=app.config["MESSAGE_QUEUE"] or None,
        # The page's own origin, the public URL and any configured extra origins.
        cors_allowed_origins=OriginPolicy(origins),
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        json=socketguard.GuardedJSON,
    )
    socketguard.install(app, socketio)


def _configure_proxy(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies (nginx), take the client's address and scheme
    from their X-Forwarded-For/-Proto headers; the Host header is passed on as it is. This
    wraps the Socket.IO middleware too, so ``/live`` handlers see the client's address."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _load_content(app: Flask) -> None:
    from . import content

    content.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .analysis.api import bp as analysis_api_bp
    from .analysis.views import bp as analysis_pages_bp
    from .api import bp as api_bp
    from .authoring.views import bp as authoring_bp
    from .circles.views import bp as circles_bp
    from .core import errors
    from .core.views import bp as core_bp
    from .exports.views import bp as analysis_bp
    from .home.views import bp as home_bp
    from .sessions.views import bp as sessions_bp
    from .sync.views import bp as sync_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(circles_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(sync_bp)
    app.register_blueprint(analysis_pages_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(analysis_api_bp)
    csrf.exempt(api_bp)  # the API authenticates by bearer token, never by cookie
    csrf.exempt(analysis_api_bp)
    errors.register(app)
