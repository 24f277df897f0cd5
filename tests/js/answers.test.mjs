// What the phone keeps of the server's truth (static/js/answers.js): acknowledged answers per
// step, survive a reload, and follow the outbox's acknowledgements.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { Answers, contributionList } from "../../static/js/answers.js";
import { createStorage, Outbox } from "../../static/js/outbox.js";
import { FakeServer, FakeStorage } from "./fakes.mjs";

const KEY = "facilitate:ABC123:answers";
let backend, storage;

beforeEach(() => {
  backend = new FakeStorage();
  storage = createStorage(() => backend);
});

test("an acknowledged choice replaces the one before and survives a reload", () => {
  const answers = new Answers(storage, KEY);
  answers.forSession(7);
  answers.remember({ event: "answer", step: "q1", value: "a" }, { ok: true });
  answers.remember({ event: "answer", step: "q1", value: "b" }, { ok: true });
  assert.equal(new Answers(storage, KEY).own("q1"), "b");
  assert.equal(new Answers(storage, KEY).own("q2"), null);
});

test("several contributions are kept in order with their ids; edits and withdrawals follow", () => {
  const answers = new Answers(storage, KEY);
  answers.remember({ event: "answer", step: "o", value: "Fler bussar", submission_id: "s1" }, { ok: true, contribution: 11 }, { several: true });
  answers.remember({ event: "answer", step: "o", value: "Bredband", submission_id: "s2" }, { ok: true }, { several: true, pending: true });
  answers.remember({ event: "edit", step: "o", value: "Fler bussar på kvällen", submission_id: "s1" }, { ok: true });
  assert.deepEqual(
    answers.own("o").map((c) => [c.id, c.text, c.pending]),
    [
      [11, "Fler bussar på kvällen", false],
      [null, "Bredband", true],
    ],
  );
  answers.remember({ event: "withdraw", step: "o", submission_id: "s2" }, { ok: true });
  assert.deepEqual(
    new Answers(storage, KEY).own("o").map((c) => c.text),
    ["Fler bussar på kvällen"],
  );
});

test("reactions are kept per statement; upvotes and proposals by step", () => {
  const answers = new Answers(storage, KEY);
  answers.remember({ event: "answer", step: "st", statement: "s1", value: "agree" }, { ok: true });
  answers.remember({ event: "answer", step: "st", statement: "s2", value: "pass" }, { ok: true });
  answers.remember({ event: "answer", step: "st", statement: "s1", value: "disagree" }, { ok: true });
  answers.remember({ event: "upvote", step: "o", contribution: 4 }, { ok: true });
  answers.remember({ event: "upvote", step: "o", contribution: 4 }, { ok: true });
  answers.remember({ event: "propose", step: "st", text: "Skolan ska vara kvar" }, { ok: true });
  const again = new Answers(storage, KEY);
  assert.deepEqual(again.own("st"), { s1: "disagree", s2: "pass" });
  assert.deepEqual(again.voted("o"), [4]);
  assert.deepEqual(again.proposals("st"), ["Skolan ska vara kvar"]);
});

test("the server's snapshot is the truth; another session or person starts afresh", () => {
  const answers = new Answers(storage, KEY);
  answers.forSession(7);
  answers.remember({ event: "answer", step: "q1", value: "a" }, { ok: true });
  answers.fromSnapshot({ id: "q1" }, "c", undefined, false);
  assert.equal(answers.own("q1"), "c");
  answers.fromSnapshot({ id: "o" }, [], [3], true);
  assert.equal(answers.own("o"), null, "no contributions: nothing kept");
  assert.deepEqual(answers.voted("o"), [3]);
  answers.forSession(8);
  assert.equal(answers.own("q1"), null);
  answers.remember({ event: "answer", step: "q1", value: "b" }, { ok: true });
  answers.reset(8, 42);
  assert.equal(new Answers(storage, KEY).own("q1"), null);
  assert.equal(new Answers(storage, KEY).data.person, 42);
});

test("own contributions the room shows again are visible, and doubt is noticed", () => {
  const answers = new Answers(storage, KEY);
  answers.fromSnapshot({ id: "o" }, [{ id: 5, submission_id: "s", text: "x", pending: true }], null, true);
  assert.equal(answers.unsure("o", [{ id: 5 }]), true, "waiting for approval");
  answers.reconcile("o", [{ id: 5 }]);
  assert.equal(answers.own("o")[0].pending, false);
  assert.equal(answers.unsure("o", [{ id: 5 }]), false);
  assert.equal(answers.unsure("o", []), true, "gone from the room's: hidden by the leader?");
  assert.equal(answers.unsure("o", null), false);
});

test("older storage kept contributions as plain texts", () => {
  assert.deepEqual(contributionList(["a"]), [{ id: null, submission_id: null, text: "a" }]);
  assert.deepEqual(contributionList(null), []);
});

test("offline answer, reload, reconnect: sent once and kept as the participant's", async () => {
  const server = new FakeServer();
  server.online = false;
  const make = () => {
    const answers = new Answers(storage, KEY);
    const outbox = new Outbox({ storage, key: "outbox", send: server.send, on: { done: (entry, ack) => answers.remember(entry, ack) } });
    return { answers, outbox };
  };
  const first = make();
  first.outbox.add({ event: "answer", session: 7, step: "q1", value: "b" });
  await first.outbox.flush();
  assert.equal(first.answers.own("q1"), null, "not acknowledged: not yet the participant's");
  server.online = true;
  const second = make(); // reloaded
  await second.outbox.flush();
  assert.equal(server.stored.length, 1);
  assert.equal(make().answers.own("q1"), "b");
});
