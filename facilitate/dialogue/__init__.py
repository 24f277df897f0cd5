"""Dialogue step kinds: info, poll, scale and open text. Importing this registers them."""

from ..sessions.kinds import register
from .kinds import InfoKind, OpenKind, PollKind, ScaleKind

for _kind in (InfoKind(), PollKind(), ScaleKind(), OpenKind()):
    register(_kind)
