"""Behind nginx (docs/deploy.md): client addresses come from X-Forwarded-For only when the
number of trusted proxies says so."""

from flask import request

from facilitate import config, create_app

SETTINGS = {"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "test"}


def _seen_address(trusted: int) -> str:
    app = create_app({**SETTINGS, "TRUSTED_PROXIES": trusted})
    app.add_url_rule("/_address", "address", lambda: request.remote_addr or "")
    response = app.test_client().get(
        "/_address",
        headers={"X-Forwarded-For": "198.51.100.7"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return response.get_data(as_text=True)


def test_forwarded_address_is_used_behind_a_trusted_proxy():
    assert _seen_address(1) == "198.51.100.7"


def test_forwarded_address_is_ignored_without_trusted_proxies():
    assert _seen_address(0) == "127.0.0.1"


def test_server_databases_get_a_pool_for_gevent(tmp_path):
    loaded = config.load(tmp_path, {"DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x"})
    options = loaded["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_size"] == loaded["DATABASE_POOL_SIZE"]
    assert options["pool_pre_ping"] is True
    assert "SQLALCHEMY_ENGINE_OPTIONS" not in config.load(tmp_path)  # SQLite keeps its own
