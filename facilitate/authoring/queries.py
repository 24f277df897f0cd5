"""Reads of module content: which modules a user sees, and the content a session ran with.

Every place that needs the content of a session goes through :func:`session_module`, so a
session shows, counts and exports exactly the version it was created with.
"""

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from ..auth.models import Role, User
from ..content import Module, build_document, check_document, library
from ..extensions import db
from .models import AuthoredModule, ModuleVersion

log = logging.getLogger(__name__)

#: How many built versions are kept in memory; versions never change, so this is only a cache.
CACHE_SIZE = 128
#: ``app.extensions`` key of the app's sessions' content by version id (versions never change
#: and are never deleted while a session uses them).
PINNED_KEY = "facilitate.pinned_versions"
_built: "OrderedDict[str, Module]" = OrderedDict()


def version_module(version: ModuleVersion) -> Module:
    """The content of a version. Versions are immutable, so the built module is cached by its
    content hash (the same in every process and database)."""
    key = f"{version.module_id}:{version.sha256}"
    module = _built.get(key)
    if module is None:
        document = json.loads(version.document)
        module, problems = check_document(document)
        if module is None:
            # It was checked when saved; the rules have become stricter since. What ran stays
            # readable: built as stored, and said in the log so the rules or data get a look.
            log.warning(
                "module version %s (%s) no longer passes the checks: %s",
                version.id,
                version.module_id,
                "; ".join(str(p) for p in problems[:3]),
            )
            module = build_document(document, f"version {version.id}")
        _built[key] = module
        while len(_built) > CACHE_SIZE:
            _built.popitem(last=False)
    else:
        _built.move_to_end(key)
    return module


def session_module(session) -> Module | None:
    """The content a session runs: its pinned version, or for sessions from before versions
    were kept, the module library's (None when that module is gone).

    Called for every answer and tally, so a version's content is kept per app (that is, per
    database) by version id, and a session's content costs no query after the first."""
    version_id = session.module_version_id
    if version_id is not None:
        pinned = current_app.extensions.setdefault(PINNED_KEY, {})
        module = pinned.get(version_id)
        if module is None:
            version = db.session.get(ModuleVersion, version_id)
            if version is not None:
                if len(pinned) >= CACHE_SIZE:
                    pinned.clear()
                module = pinned[version_id] = version_module(version)
        if module is not None:
            return module
    return library().get(session.module_id) or _latest(session.module_id)


@dataclass(frozen=True)
class Entry:
    """A module as the authoring list shows it; ``record`` is None for a shipped module."""

    module: Module
    record: AuthoredModule | None

    @property
    def shipped(self) -> bool:
        return self.record is None


def _latest(module_id: str) -> Module | None:
    record = authored(module_id)
    return version_module(record.current_version) if record else None


def authored(module_id: object) -> AuthoredModule | None:
    if not isinstance(module_id, str):
        return None
    return db.session.scalar(sa.select(AuthoredModule).where(AuthoredModule.module_id == module_id))


def may_see(user: User, record: AuthoredModule) -> bool:
    """Shared modules every leader (and analyst) sees; private ones their owner and admins."""
    return record.shared or record.owner_id == user.id or user.role is Role.admin


def may_edit(user: User, record: AuthoredModule) -> bool:
    return record.owner_id == user.id or user.role is Role.admin


def authored_entries(user: User) -> list[Entry]:
    """The authored modules ``user`` sees: own first, then shared by others, by title."""
    query = sa.select(AuthoredModule).order_by(AuthoredModule.id)
    if user.role is not Role.admin:
        query = query.where(
            sa.or_(AuthoredModule.owner_id == user.id, AuthoredModule.shared.is_(True))
        )
    # No autoflush: a read must not flush the caller's pending changes (the API commits the
    # token's last use only when it is still pending).
    with db.session.no_autoflush:
        records = list(db.session.scalars(query))
        entries = [Entry(version_module(r.current_version), r) for r in records]
    return sorted(
        entries, key=lambda e: (e.record.owner_id != user.id, str(e.module.title).casefold())
    )


def visible_modules(user: User | None) -> list[Module]:
    """Shipped modules, then the authored ones ``user`` may see (latest versions)."""
    shipped = list(library())
    if user is None:
        return shipped
    return shipped + [entry.module for entry in authored_entries(user)]


def module_for(user: User | None, module_id: object) -> Module | None:
    """The module ``user`` may see and run with this id, latest version; else None."""
    if not isinstance(module_id, str):
        return None
    shipped = library().get(module_id)
    if shipped is not None:
        return shipped
    record = authored(module_id)
    if record is None or user is None or not may_see(user, record):
        return None
    return version_module(record.current_version)


def any_module(module_id: object) -> Module | None:
    """The latest content of a module by id, whoever owns it (export filters and labels)."""
    if not isinstance(module_id, str):
        return None
    return library().get(module_id) or _latest(module_id)


def authored_records() -> list[AuthoredModule]:
    """Every authored module, oldest first, whoever owns it."""
    return list(db.session.scalars(sa.select(AuthoredModule).order_by(AuthoredModule.id)))


def every_module() -> list[Module]:
    """Shipped and all authored modules: what analysts filter exports by."""
    return list(library()) + [version_module(r.current_version) for r in authored_records()]
