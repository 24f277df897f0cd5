"""The ``facilitate`` command as an administrator uses it."""

import pytest
import sqlalchemy as sa

from facilitate.auth import ApiToken, Role, User
from facilitate.auth.queries import user_by_token
from facilitate.cli import DEMO_EMAIL
from facilitate.extensions import db

from .conftest import log_in


def test_users_create_with_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["users", "create", "Anna@Example.org", "--role", "analyst", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anna@example.org"))
        assert user.role is Role.analyst
        assert user.password_hash.startswith("$argon2id$")


def test_users_create_prompts_for_the_password_twice(runner):
    result = runner.invoke(
        args=["users", "create", "bo@example.org", "--role", "leader"],
        input="first password 1\nfirst password 1\n",
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output


def test_users_create_refuses_duplicates_weak_passwords_and_bad_roles(runner, make_user, app):
    make_user(email="taken@example.org")
    taken = runner.invoke(
        args=["users", "create", "taken@example.org", "--role", "leader", "--password-stdin"],
        input="a long enough password\n",
    )
    assert taken.exit_code == 1 and "already exists" in taken.output
    weak = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "leader", "--password-stdin"],
        input="short\n",
    )
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    role = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "king", "--password-stdin"]
    )
    assert role.exit_code == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_tokens_create_prints_the_token_last_and_stores_only_its_hash(runner, make_user, app):
    user = make_user()
    result = runner.invoke(args=["tokens", "create", "leader@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("fct_") and len(token) > 40
    with app.app_context():
        stored = db.session.scalars(sa.select(ApiToken)).all()
        assert len(stored) == 1
        assert stored[0].token_hash != token and token not in stored[0].token_hash
        assert len(stored[0].token_hash) == 64
        assert user_by_token(token).id == user.id
        assert user_by_token(token + "x") is None


def test_tokens_create_for_unknown_user_fails(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@example.org"])
    assert result.exit_code == 1
    assert "no account" in result.output


def test_demo_account_is_created_once_and_its_password_shown_once(runner, client, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0
    password = next(
        line.split(":", 1)[1].strip() for line in first.output.splitlines() if "password:" in line
    )
    assert DEMO_EMAIL in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert password not in second.output
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User).where(User.email == DEMO_EMAIL)).role is Role.leader
        )
    from .conftest import log_in

    assert log_in(client, DEMO_EMAIL, password).status_code == 302


def test_users_password_resets_a_password(runner, make_user, client):
    make_user()
    result = runner.invoke(
        args=["users", "password", "leader@example.org", "--password-stdin"],
        input="brand new password\n",
    )
    assert result.exit_code == 0
    from .conftest import log_in

    assert log_in(client, password="brand new password").status_code == 302


def test_modules_list_shows_every_module_and_part(runner):
    result = runner.invoke(args=["modules", "list"])
    assert result.exit_code == 0
    for name in (
        "norrbotten-for-alla",
        "samverkansdialog",
        "strategiskt-forum",
        "demografi",
        "Avslut",
    ):
        assert name in result.output


def test_modules_validate_passes_on_shipped_content(runner):
    result = runner.invoke(args=["modules", "validate"])
    assert result.exit_code == 0
    assert "All modules are valid." in result.output


def test_modules_validate_checks_a_module_downloaded_from_the_editor(runner, tmp_path):
    """One YAML file with every part inline, as /authoring/<id>/download gives it."""
    from facilitate.content import dump_yaml, load_library, to_document

    from .conftest import ROOT

    module = load_library(ROOT / "modules").get("samverkansdialog")
    good = tmp_path / "samverkansdialog.yaml"
    good.write_bytes(dump_yaml(to_document(module)).encode("utf-8"))
    result = runner.invoke(args=["modules", "validate", str(good)])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(good.read_text("utf-8").replace("kind: dialogue", "kind: lecture", 1))
    result = runner.invoke(args=["modules", "validate", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: kind: 'lecture' is not allowed here" in result.output


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "1234567890", "qwertyuiop", "Password1!", "iloveyou12", "anna@example.org1"],
)
def test_guessable_passwords_are_refused(runner, app, password):
    result = runner.invoke(
        ["users", "create", "anna@example.org", "--role", "leader", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "anna@example.org")) is None


def test_a_guessable_new_password_is_refused_and_the_old_one_kept(runner, client, make_user):
    make_user()
    result = runner.invoke(
        ["users", "password", "leader@example.org", "--password-stdin"], input="leader12345\n"
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert log_in(client).status_code == 302  # the old password still works
