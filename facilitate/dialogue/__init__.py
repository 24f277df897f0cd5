"""Dialogue step kinds: info, poll, scale, open text, rank and word cloud. Importing this
registers them."""

from ..sessions.kinds import register
from .kinds import InfoKind, OpenKind, PollKind, RankKind, ScaleKind, WordCloudKind

for _kind in (InfoKind(), PollKind(), ScaleKind(), OpenKind(), RankKind(), WordCloudKind()):
    register(_kind)
