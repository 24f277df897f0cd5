"""Dialogue step kinds: info, poll, scale, open text, rank, word cloud and statements.
Importing this registers them."""

from ..sessions.kinds import register
from .kinds import (
    InfoKind,
    OpenKind,
    PollKind,
    RankKind,
    ScaleKind,
    StatementsKind,
    WordCloudKind,
)

for _kind in (
    InfoKind(),
    PollKind(),
    ScaleKind(),
    OpenKind(),
    RankKind(),
    WordCloudKind(),
    StatementsKind(),
):
    register(_kind)
