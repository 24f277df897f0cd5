"""The ``facilitate`` command: a Flask CLI group over :func:`facilitate.create_app`."""

import os
import secrets
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException

from . import config, create_app
from .content import ContentError, library, validate_paths
from .core.network import base_url
from .extensions import db
from .steps import prompt_count, quiz_count

DEMO_EMAIL = "ledare@example.org"
#: gunicorn's gevent worker serves every connection of one process; see docs/deploy.md.
WORKER_CONNECTIONS = 5000


class BrokenContent(NoAppException):
    """The app cannot start because modules are broken: exit status 1, like ``validate``."""

    exit_code = 1


def _app_for_cli():
    """The app, or a clear list of content problems and exit status 1."""
    try:
        return create_app()
    except ContentError as error:
        raise BrokenContent(
            f"{error}\nThe modules above have errors: fix them and start again."
        ) from None


@click.group(cls=FlaskGroup, create_app=_app_for_cli, add_version_option=False)
def cli():
    """facilitate: live dialogues and study circles."""


@cli.command(with_appcontext=False)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int):
    """Run the production server (gunicorn with one gevent worker) and print the join address."""
    app = _app_for_cli()
    click.echo(f"facilitate: participants join at {base_url(app.config['PUBLIC_URL'], port)}/j")
    sys.stdout.flush()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gevent",
        "--workers",
        "1",
        "--worker-connections",
        str(WORKER_CONNECTIONS),
        "--bind",
        f"{host}:{port}",
        *_no_control_socket(),
        "facilitate:create_app()",
    ]
    os.execv(sys.executable, argv)


def _no_control_socket() -> list[str]:
    """gunicorn 25+ opens a control socket at one fixed path per user; several processes on one
    machine (docs/deploy.md) would take it from each other, and facilitate does not use it."""
    from gunicorn.config import KNOWN_SETTINGS

    return (
        ["--no-control-socket"] if any(s.name == "control_socket" for s in KNOWN_SETTINGS) else []
    )


# --- accounts -----------------------------------------------------------------------------------


@cli.group()
def users():
    """Manage accounts."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "leader", "analyst"]))
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def users_create(email: str, role: str, password_stdin: bool):
    """Create an account with a role."""
    from .auth import Role
    from .auth.operations import AccountError, create_user

    password = _read_password(password_stdin)
    try:
        user = create_user(
            email, Role(role), password, min_length=current_app.config["PASSWORD_MIN_LENGTH"]
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@users.command("password")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def users_password(email: str, password_stdin: bool):
    """Set a new password for an account."""
    from .auth.operations import AccountError, set_password
    from .auth.queries import user_by_email

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    try:
        set_password(
            user,
            _read_password(password_stdin),
            min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"New password set for {user.email}.")


@cli.group()
def tokens():
    """Manage API tokens."""


@tokens.command("create")
@click.argument("email")
def tokens_create(email: str):
    """Create an API token; it is printed once, as the last line, and only its hash is kept."""
    from .auth.operations import create_token
    from .auth.queries import user_by_email

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    token = create_token(user)
    db.session.commit()
    click.echo(f"API token for {user.email} (shown once, store it now):")
    click.echo(token)


@cli.command()
def demo():
    """Create the demo leader account once and print its e-mail and password."""
    from .auth import Role
    from .auth.operations import create_user
    from .auth.queries import user_by_email

    if user_by_email(DEMO_EMAIL) is not None:
        click.echo(
            f"Demo leader: {DEMO_EMAIL} (the password was printed when it was created; "
            f"set a new one with 'facilitate users password {DEMO_EMAIL}')."
        )
        return
    password = secrets.token_urlsafe(12)
    create_user(
        DEMO_EMAIL, Role.leader, password, min_length=current_app.config["PASSWORD_MIN_LENGTH"]
    )
    db.session.commit()
    click.echo("Demo leader account created. Log in with:")
    click.echo(f"  e-mail:   {DEMO_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo("(The password is shown only this once.)")


# --- content ------------------------------------------------------------------------------------


@cli.group()
def modules():
    """Study-circle and dialogue modules."""


@modules.command("list")
def modules_list():
    """List the modules and their parts: the shipped ones, then those written in the browser
    (latest version, with owner and whether shared)."""
    from .authoring.queries import authored_records, version_module

    listed = [(module, "") for module in library()]
    for record in authored_records():
        sharing = "shared" if record.shared else "private"
        listed.append(
            (version_module(record.current_version), f"  [{record.owner.email}, {sharing}]")
        )
    for module, who in listed:
        click.echo(f"{module.id}  {module.title}  ({len(module.parts)} parts){who}")
        for part in module.parts:
            click.echo(
                f"  {part.id}  {part.title}  "
                f"[{len(part.steps)} steps, {quiz_count(part)} quiz, {prompt_count(part)} prompts]"
            )


@modules.command("validate", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path())
def modules_validate(paths: tuple[str, ...]):
    """Check modules (default: the modules folder); print ``file: location: message`` per error."""
    if not paths:
        paths = (config.load(config.instance_path())["MODULES_PATH"],)
    problems = validate_paths(paths)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("All modules are valid.")


@cli.group()
def retention():
    """Delete participants and raw responses after the retention period."""


@retention.command("apply")
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=None,
    help="Override RETENTION_MONTHS for this run.",
)
@click.option("--dry-run", is_flag=True, help="Only list the sessions that would be pruned.")
def retention_apply(months: int | None, dry_run: bool):
    """Sessions older than the retention period keep their aggregate results; their
    participants (with their tokens) and raw responses are deleted."""
    from .sessions.retention import prune, retention_cutoff

    months = months or current_app.config["RETENTION_MONTHS"]
    cutoff = retention_cutoff(months)
    pruned = prune(cutoff)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would prune" if dry_run else "pruned"
    click.echo(
        f"{verb} {len(pruned)} session(s) created before {cutoff:%Y-%m-%d} "
        f"({months} months): {', '.join(map(str, pruned)) or '-'}"
    )


# --- exports ------------------------------------------------------------------------------------


@cli.command("export")
@click.option(
    "--format", "format_", required=True, type=click.Choice(["csv", "xlsx", "json", "docx"])
)
@click.option("--session", help="A session id.")
@click.option("--circle", help="A circle id.")
@click.option("--module", help="A module id, e.g. norrbotten-for-alla.")
@click.option("--part", help="A part id, e.g. demografi.")
@click.option("--municipality", help="A municipality: its name, id or SCB code.")
@click.option("--organiser", help="A study association or organisation, as circles name it.")
@click.option("--tag", help="An action-plan tag id, e.g. focus.civil-preparedness.")
@click.option("--since", help="First day, YYYY-MM-DD (local time).")
@click.option("--until", help="Last day, YYYY-MM-DD (local time).")
@click.option("--include-hidden", is_flag=True, help="Include contributions the leader hid.")
@click.option(
    "--language", default="sv", show_default=True, help="The file's language: sv, en or fi."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write; - for stdout.",
)
def export_command(format_: str, output: str, include_hidden: bool, language: str, **filters):
    """Export results across sessions (docs/export-format.md); the export is logged."""
    import getpass

    from .core.messages import message
    from .exports.operations import export
    from .exports.schemas import ExportFilter, FilterError, parse_language

    try:
        selection = ExportFilter.parse({**filters, "include_hidden": "1" if include_hidden else ""})
        made = export(
            selection,
            format_,
            user=None,
            actor=f"cli:{getpass.getuser()}",
            channel="cli",
            language=parse_language(language, "sv"),
        )
    except FilterError as failure:
        raise click.ClickException(f"{failure.code}: {message(failure.code, 'en')}") from None
    db.session.commit()
    if output == "-":
        sys.stdout.buffer.write(made.content)
        sys.stdout.flush()
        return
    with open(output, "wb") as file:
        file.write(made.content)
    click.echo(f"Wrote {output}: {made.rows} responses ({format_}).", err=True)


# --- sync to the county's central server ----------------------------------------------------


@cli.group()
def sync():
    """Send sessions run on this laptop to the county's central server (docs/deploy.md)."""


@sync.command("push")
@click.option("--to", "target", help="The central server's address (default CENTRAL_URL).")
@click.option("--token", help="An API token on the central server (default CENTRAL_TOKEN).")
@click.option(
    "--session",
    "sessions",
    multiple=True,
    type=int,
    help="Only this session id (repeatable); sent even if already accepted.",
)
def sync_push(target: str | None, token: str | None, sessions: tuple[int, ...]):
    """Push every ended session the central server has not accepted (or that changed since it
    did), one line per session; safe to run from cron whenever the laptop is online."""
    from .sessions.models import LiveSession, SessionStatus
    from .sync.push import Refused, Unreachable, normalised, pending, prepare, send

    target = normalised(target or current_app.config["CENTRAL_URL"])
    token = token or current_app.config["CENTRAL_TOKEN"]
    if not target.startswith(("http://", "https://")):
        raise click.UsageError(
            "give the central server's address: --to https://... (or CENTRAL_URL)"
        )
    if not token:
        raise click.UsageError(
            "give an API token of the central server: --token (or CENTRAL_TOKEN)"
        )
    if sessions:
        chosen = []
        for session_id in sessions:
            session = db.session.get(LiveSession, session_id)
            if session is None or session.status is not SessionStatus.ended:
                raise click.ClickException(f"session {session_id}: no ended session has that id")
            chosen.append(prepare(session))
    else:
        chosen = pending(target)
    if not chosen:
        click.echo(f"Nothing to send: {target} has every ended session.")
        return
    refused = 0
    for number, prepared in enumerate(chosen, 1):
        session = prepared.session
        what = (
            f"[{number}/{len(chosen)}] session {session.id} ({session.module_id}/{session.part_id})"
        )
        try:
            status = send(prepared, target, token)
        except Unreachable as failure:
            db.session.rollback()
            raise click.ClickException(
                f"cannot reach {target} ({failure}). Nothing more was marked as sent "
                f"({number - 1} of {len(chosen)} accepted); run again when online."
            ) from None
        except Refused as failure:
            db.session.rollback()
            refused += 1
            detail = f" ({failure.detail})" if failure.detail else ""
            click.echo(f"{what}: refused, {failure.code}: {failure.message}{detail}")
            if failure.code == "not_authenticated":
                raise click.ClickException("the token is not valid on the central server") from None
            continue
        db.session.commit()
        click.echo(f"{what}: {status}")
    if refused:
        raise click.ClickException(f"{refused} of {len(chosen)} session(s) refused")
