"""Configuration layers: defaults < instance/config.py < FACILITATE_* environment < override."""

import os
import stat

import sqlalchemy as sa

from facilitate import config, create_app
from facilitate.extensions import db


def test_defaults_work_with_nothing_configured(tmp_path):
    app = create_app()
    instance = tmp_path / "instance"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'facilitate.sqlite3'}"
    assert app.config["PUBLIC_URL"] == ""
    assert app.config["MESSAGE_QUEUE"] == ""
    assert len(app.config["SECRET_KEY"]) == 64


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_precedence_of_layers(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "PUBLIC_URL = 'https://from-instance.example'\n"
        "MESSAGE_QUEUE = 'redis://from-instance'\n"
        "SECRET_KEY = 'from-instance'\n"
        "PASSWORD_MIN_LENGTH = 12\n"
    )
    app = create_app()
    assert app.config["PUBLIC_URL"] == "https://from-instance.example"
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["PASSWORD_MIN_LENGTH"] == 12

    monkeypatch.setenv("FACILITATE_PUBLIC_URL", "https://from-env.example")
    monkeypatch.setenv("FACILITATE_PASSWORD_MIN_LENGTH", "14")
    app = create_app()
    assert app.config["PUBLIC_URL"] == "https://from-env.example"
    assert app.config["PASSWORD_MIN_LENGTH"] == 14  # typed like its default
    assert app.config["SECRET_KEY"] == "from-instance"  # lower layer kept where not overridden

    app = create_app({"PUBLIC_URL": "https://from-override.example"})
    assert app.config["PUBLIC_URL"] == "https://from-override.example"
    assert app.config["PASSWORD_MIN_LENGTH"] == 14


def test_languages_from_environment_are_a_list(monkeypatch):
    monkeypatch.setenv("FACILITATE_LANGUAGES", "sv, en,fi,se")
    app = create_app()
    assert app.config["LANGUAGES"] == ("sv", "en", "fi", "se")


def test_database_url_from_environment(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    monkeypatch.setenv("FACILITATE_DATABASE_URL", url)
    monkeypatch.setenv("FACILITATE_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_sqlite_file_database_uses_wal(tmp_path):
    app = create_app()
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_environment_values_take_the_type_of_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATE_TALLY_INTERVAL", "0.5")
    monkeypatch.setenv("FACILITATE_ANSWER_COMMIT_WINDOW", "0.02")
    monkeypatch.setenv("FACILITATE_TRUSTED_PROXIES", "1")
    loaded = config.load(tmp_path)
    assert loaded["TALLY_INTERVAL"] == 0.5
    assert loaded["ANSWER_COMMIT_WINDOW"] == 0.02
    assert loaded["TRUSTED_PROXIES"] == 1
