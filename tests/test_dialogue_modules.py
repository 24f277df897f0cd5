"""strategiskt-forum and samverkansdialog end to end through /live: every part, every step,
four phones answering each kind, the leader moderating open input and approving a proposed
statement, and the results on the big screen adding up to what the phones sent."""

from pathlib import Path

import pytest

from facilitate.content import load_library
from facilitate.dialogue.kinds import REACTIONS
from facilitate.steps import kind_of

from .conftest import call

PHONES = 4
SHIPPED = load_library(Path(__file__).resolve().parent.parent / "modules")
PARTS = [
    (module.id, part.id)
    for module in SHIPPED
    if module.id in ("strategiskt-forum", "samverkansdialog")
    for part in module.parts
]


def value_for(step, n):
    """The ``n``-th phone's answer to ``step`` (statements: see ``react``)."""
    if step.kind == "open":
        return f"Tanke {n} om {step.id}"
    if step.kind == "wordcloud":
        return f"ord{n % 2}"
    if step.kind == "scale":
        return step.scale_min + n % (step.scale_max - step.scale_min + 1)
    if step.kind == "rank":
        ids = [o.id for o in step.options]
        return ids[n % len(ids) :] + ids[: n % len(ids)]
    if step.kind == "points":  # the whole budget to one option, a different one per phone
        return {step.options[n % len(step.options)].id: step.settings.get("budget", 100)}
    chosen = step.options[n % len(step.options)].id
    return [chosen] if step.multiple else chosen


def send(phone, payload):
    ack = call(phone, "answer", payload)
    assert ack == {"ok": True, "duplicate": False}, (payload, ack)


def test_the_shipped_dialogue_modules_have_parts():
    assert {m for m, _ in PARTS} == {"strategiskt-forum", "samverkansdialog"}
    assert len(PARTS) >= 5


@pytest.mark.parametrize(("module", "part"), PARTS)
def test_a_dialogue_part_end_to_end(live_session, module, part):
    live = live_session(module, part)
    phones = [live.phone() for _ in range(PHONES)]
    screen = live.screen()
    steps = SHIPPED.get(module).part(part).steps
    assert live.control("start")["ok"]
    kinds_seen = set()
    for index, step in enumerate(steps):
        if index:
            assert live.control("next")["state"]["session"]["step_index"] == index
        shown = call(phones[0], "sync")["state"]["step"]
        assert shown["id"] == step.id and shown["kind"] == step.kind
        if not kind_of(step).answerable:
            continue
        kinds_seen.add(step.kind)
        if step.kind == "statements":
            check_statements(live, phones, step)
        else:
            for n, phone in enumerate(phones):
                send(
                    phone, {"step": step.id, "value": value_for(step, n), "submission_id": f"s{n}"}
                )
        if step.kind == "open":
            check_open(live, phones, screen, step)
        results = live.control("reveal")["state"]["results"]
        assert results["step"] == step.id
        room = call(screen, "screen", {"session": live.id})["state"]["results"]
        assert room == results  # the big screen shows what the leader sees
        check_results(step, results["results"])
    assert live.control("end")["ok"]
    assert kinds_seen  # every part asks the room something


def check_open(live, phones, screen, step):
    """Upvote one contribution, hide another, theme a third: the room sees exactly that."""
    items = call(live.host, "host", {"session": live.id})["state"]["moderation"]
    assert [i["text"] for i in items] == [value_for(step, n) for n in range(PHONES)]
    first, second, third = items[0]["id"], items[1]["id"], items[2]["id"]
    assert call(phones[1], "upvote", {"step": step.id, "contribution": first}) == {"ok": True}
    assert live.leader_call("moderate", contribution=second, action="hide")["ok"]
    assert live.leader_call("moderate", contribution=third, action="theme", theme="Tema")["ok"]
    room = call(screen, "screen", {"session": live.id})["state"]["results"]["results"]
    texts = [c["text"] for c in room["contributions"]]
    assert texts[0] == value_for(step, 0)  # most upvoted first
    assert value_for(step, 1) not in texts and len(texts) == PHONES - 1
    assert room["themes"] == ["Tema"]


def check_statements(live, phones, step):
    """Every phone reacts to every statement; one proposes a statement, the leader approves
    it, and the room reacts to it too."""
    ack = call(
        phones[0], "propose", {"step": step.id, "text": "Ett eget påstående", "submission_id": "p"}
    )
    assert ack["ok"]
    proposal = call(live.host, "host", {"session": live.id})["state"]["proposals"][0]["id"]
    assert live.leader_call("proposal", proposal=proposal, decision="approve")["ok"]
    statements = call(phones[1], "sync")["state"]["step"]["statements"]
    assert [s["id"] for s in statements] == [s.id for s in step.statements] + [f"p{proposal}"]
    for n, phone in enumerate(phones):
        for m, statement in enumerate(statements):
            payload = {
                "step": step.id,
                "statement": statement["id"],
                "value": REACTIONS[(n + m) % 3],
                "submission_id": f"r{n}-{m}",
            }
            send(phone, payload)


def check_results(step, results):
    if step.kind == "open":
        assert results["respondents"] == PHONES - 1  # one hidden
    elif step.kind == "statements":
        assert results["respondents"] == PHONES
        assert len(results["statements"]) == len(step.statements) + 1
        for row in results["statements"]:
            assert row["total"] == PHONES
            assert row["agree"] + row["disagree"] + row["pass"] == PHONES
    elif step.kind == "wordcloud":
        assert {w["text"]: w["count"] for w in results["words"]} == {"ord0": 2, "ord1": 2}
    elif step.kind == "rank":
        assert results["respondents"] == PHONES and results["method"] == "borda"
        n = len(step.options)
        assert sum(results["scores"].values()) == PHONES * n * (n - 1) // 2
    elif step.kind == "points":
        assert results["respondents"] == PHONES
        assert sum(results["totals"].values()) == PHONES * results["budget"]
    else:
        assert results["respondents"] == PHONES
