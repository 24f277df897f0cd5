"""Changes to authored modules and module versions. These flush; the boundary commits."""

import json
import logging
import re
import unicodedata
from typing import Any

import sqlalchemy as sa

from ..auth.models import User
from ..content import (
    Module,
    Problem,
    Step,
    check_document,
    content_hash,
    library,
    parse_module,
    to_document,
)
from ..content.document import canonical_json
from ..core.errors import DomainError
from ..core.time import utcnow
from ..extensions import db
from .models import AuthoredModule, ModuleVersion
from .queries import authored, may_edit

log = logging.getLogger(__name__)

#: Longest module id (the schema's id pattern allows 64 characters).
MAX_ID_LENGTH = 64


class AuthoringError(DomainError):
    """A change that cannot be made; ``code`` is the public error code, ``problems`` the
    content problems when the code is ``invalid_content``."""

    def __init__(self, code: str, problems: list[Problem] | None = None, **params: Any):
        super().__init__(code)
        self.problems = problems or []
        self.params = params


def slug(text: str, fallback: str = "modul") -> str:
    """An id from a title: lower-case ASCII letters, digits and hyphens (å, ä, ö become a, a,
    o)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[: MAX_ID_LENGTH - 8]
    return value.strip("-") or fallback


def _taken(module_id: str) -> bool:
    return library().get(module_id) is not None or authored(module_id) is not None


def free_id(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``, ...: an id no shipped or authored module has."""
    candidate, number = base, 1
    while _taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def ensure_version(module: Module, user: User | None = None) -> ModuleVersion:
    """The stored version with exactly this content, made if there is none yet."""
    document = to_document(module)
    sha = content_hash(document)
    query = sa.select(ModuleVersion).where(
        ModuleVersion.module_id == module.id, ModuleVersion.sha256 == sha
    )
    version = db.session.scalar(query)
    if version is not None:
        return version
    version = ModuleVersion(
        module_id=module.id, document=canonical_json(document), sha256=sha, created_by_id=None
    )
    if user is not None:
        version.created_by_id = user.id
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except sa.exc.IntegrityError:  # another request stored the same content just now
        version = db.session.scalar(query)
        assert version is not None
    return version


def _checked(document: Any) -> Module:
    module, problems = check_document(document)
    if module is None:
        raise AuthoringError("invalid_content", problems)
    return module


def checked_step(document: Any, part_index: int, step_index: int) -> Step:
    """The step at the position in a document that passes the checks of saving; nothing is
    stored (the editor's preview of unsaved content)."""
    module = _checked(document)
    try:
        return module.parts[part_index].steps[step_index]
    except IndexError:
        raise AuthoringError("invalid_payload") from None


def create_module(user: User, document: Any) -> AuthoredModule:
    """A new private module of ``user`` from a checked document. Its id must be free."""
    module = _checked(document)
    if library().get(module.id) is not None:
        raise AuthoringError("shipped_id", id=module.id)
    if authored(module.id) is not None:
        raise AuthoringError("id_taken", id=module.id)
    record = AuthoredModule(
        module_id=module.id, owner=user, current_version=ensure_version(module, user)
    )
    db.session.add(record)
    db.session.flush()
    log.info("user %d created module %s", user.id, module.id)
    return record


def update_module(user: User, record: AuthoredModule, document: Any) -> bool:
    """Save new content of a module ``user`` may edit; True if it changed (a new version)."""
    if not may_edit(user, record):
        raise AuthoringError("forbidden")
    module = _checked(document)
    if module.id != record.module_id:
        raise AuthoringError("id_changed", id=record.module_id)
    version = ensure_version(module, user)
    if version.id == record.current_version_id:
        return False
    record.current_version = version
    record.updated_at = utcnow()
    db.session.flush()
    log.info("user %d saved module %s (version %d)", user.id, module.id, version.id)
    return True


def upload_module(user: User, content: bytes, filename: str = "module") -> AuthoredModule:
    """A module from an uploaded YAML file: a new module, or a new version of the user's own
    module with that id. Anything else raises :class:`AuthoringError` and changes nothing."""
    module, problems = parse_module(content, filename)
    if module is None:
        raise AuthoringError("invalid_content", problems)
    document = to_document(module)
    record = authored(module.id)
    if record is None:
        return create_module(user, document)
    if record.owner_id != user.id:
        raise AuthoringError("id_taken", id=module.id)
    update_module(user, record, document)
    return record


def copy_module(user: User, source: Module) -> AuthoredModule:
    """A private copy of a module ``user`` may see, with a free id and "(kopia)" in its title."""
    document = to_document(source)
    document["id"] = free_id(slug(f"{source.id}-kopia"))
    document["title"] = {
        code: f"{value[:190]} ({_copy_word(code)})" for code, value in document["title"].items()
    }
    return create_module(user, document)


def _copy_word(code: str) -> str:
    return {"en": "copy", "fi": "kopio"}.get(code, "kopia")


#: The kinds of module (not of step) a new one may be.
MODULE_KINDS = {"dialogue": "dialogue", "study-circle": "study-circle"}


def new_module(user: User, title: str, kind: str = "dialogue") -> AuthoredModule:
    """A new module with one part and one info step to start from; its id comes from the
    title."""
    title = " ".join(title.split())[:200]
    if not title:
        raise AuthoringError("title_missing")
    document = {
        "id": free_id(slug(title)),
        "kind": MODULE_KINDS.get(kind, "dialogue"),
        "title": {"sv": title},
        "description": {"sv": title},
        "parts": [
            {
                "id": "del-1",
                "title": {"sv": "Del 1"},
                "description": {"sv": title},
                "steps": [
                    {
                        "id": "inledning",
                        "kind": "info",
                        "title": {"sv": title},
                        "body": {"sv": title},
                    }
                ],
            }
        ],
    }
    return create_module(user, document)


def set_shared(user: User, record: AuthoredModule, shared: bool) -> None:
    if not may_edit(user, record):
        raise AuthoringError("forbidden")
    record.shared = shared
    db.session.flush()
    log.info("user %d %s module %s", user.id, "shared" if shared else "unshared", record.module_id)


def delete_module(user: User, record: AuthoredModule) -> None:
    """Remove a module from the library; its versions stay, so sessions run with it keep
    their content and exports."""
    if not may_edit(user, record):
        raise AuthoringError("forbidden")
    db.session.delete(record)
    db.session.flush()
    log.info("user %d deleted module %s", user.id, record.module_id)


def document_of(record: AuthoredModule) -> dict[str, Any]:
    return json.loads(record.current_version.document)
