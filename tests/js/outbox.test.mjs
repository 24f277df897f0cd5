// The outbox's own contract (static/js/outbox.js): nothing a participant sends is lost or stored
// twice — across lost acknowledgements, a dropped network, a busy server and a reload.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

import { BACKOFF, createStorage, newSubmissionId, Outbox, outcome, PAYLOADS } from "../../static/js/outbox.js";
import { FakeServer, FakeStorage, FakeTimers, settle } from "./fakes.mjs";

const KEY = "facilitate:ABC123:outbox";
let backend, storage, server, timers, events;

/** An outbox as the phone builds one on page load, over the same storage every time. */
function page({ ready = () => true, stale = () => false } = {}) {
  events = [];
  const log = (name) => (entry, ack, why) => {
    events.push([name, entry && entry.key, why || (ack && ack.error) || null]);
    return name === "done" && ack && ack.duplicate;
  };
  return new Outbox({
    storage,
    key: KEY,
    send: (entry) => server.send(entry),
    ready,
    stale,
    timers,
    random: () => 0.5, // no spread, so the pauses can be checked exactly
    on: { queued: () => events.push(["queued"]), sending: log("sending"), done: log("done"), kept: log("kept"), refused: log("refused"), idle: (sync) => events.push(["idle", sync]) },
  });
}

function answer(step, value, extra = {}) {
  return { event: "answer", session: 7, step, value, kind: "poll", ...extra };
}

beforeEach(() => {
  backend = new FakeStorage();
  storage = createStorage(() => backend);
  server = new FakeServer();
  timers = new FakeTimers();
});

describe("keeping", () => {
  test("an answer is in storage before anything is sent", () => {
    const outbox = page();
    const entry = outbox.add(answer("q1", "a"));
    const kept = JSON.parse(backend.getItem(KEY));
    assert.equal(kept.length, 1);
    assert.equal(kept[0].submission_id, entry.submission_id);
    assert.equal(server.received.length, 0);
  });

  test("answers and proposals get their own submission id; edits keep the contribution's; upvotes have none", () => {
    const outbox = page();
    const a = outbox.add(answer("q1", "a"));
    const p = outbox.add({ event: "propose", session: 7, step: "s", text: "Mer buss" });
    const e = outbox.add({ event: "edit", session: 7, step: "o", submission_id: "old-1", value: "ny text" });
    const u = outbox.add({ event: "upvote", session: 7, step: "o", contribution: 12 });
    assert.match(a.submission_id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.match(p.submission_id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.notEqual(a.submission_id, p.submission_id);
    assert.equal(e.submission_id, "old-1");
    assert.equal(u.submission_id, undefined);
    assert.deepEqual(PAYLOADS.upvote(u), { step: "o", contribution: 12 });
    assert.deepEqual(PAYLOADS.answer(answer("st", "agree", { statement: "s2", submission_id: "x" })), { step: "st", value: "agree", submission_id: "x", statement: "s2" });
  });

  test("submission ids are unique and valid, with or without randomUUID", () => {
    const ids = new Set(Array.from({ length: 500 }, () => newSubmissionId()));
    assert.equal(ids.size, 500);
    const legacy = { getRandomValues: (bytes) => globalThis.crypto.getRandomValues(bytes) };
    const id = newSubmissionId(legacy);
    assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
  });

  test("blocked storage falls back to memory for the life of the page", () => {
    backend.blocked = true;
    const outbox = page();
    outbox.add(answer("q1", "a"));
    assert.equal(page().length, 1, "a second outbox on the same page still sees it");
  });
});

describe("sending", () => {
  test("an acknowledged entry leaves the outbox and storage, in order", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    outbox.add(answer("q2", 4));
    await outbox.flush();
    assert.deepEqual(server.stored.map((e) => e.step), ["q1", "q2"]);
    assert.equal(outbox.length, 0);
    assert.deepEqual(JSON.parse(backend.getItem(KEY)), []);
    assert.deepEqual(events.at(-1), ["idle", false]);
  });

  test("a lost acknowledgement is resent with the same id and stored once", async () => {
    const outbox = page();
    const entry = outbox.add(answer("q1", "a"));
    server.loseAcks = 1;
    await outbox.flush();
    assert.equal(outbox.length, 1, "kept: the outcome is unknown");
    assert.deepEqual(events.find((e) => e[0] === "kept"), ["kept", entry.key, "lost"]);
    await outbox.reconnected();
    assert.equal(server.received.length, 2);
    assert.equal(server.received[1].submission_id, entry.submission_id);
    assert.equal(server.stored.length, 1, "exactly once");
    assert.equal(outbox.length, 0);
    assert.deepEqual(events.at(-1), ["idle", true], "a duplicate asks for the server's view");
  });

  test("offline: nothing is sent, everything waits; after the reconnect all of it goes, in order", async () => {
    let connected = false;
    const outbox = page({ ready: () => connected });
    outbox.add(answer("q1", "a"));
    outbox.add(answer("q1", "b"));
    outbox.add({ event: "upvote", session: 7, step: "o", contribution: 3 });
    await outbox.flush();
    assert.equal(server.received.length, 0);
    assert.deepEqual(events[0], ["queued"]);
    connected = true;
    await outbox.reconnected();
    assert.deepEqual(server.received.map((e) => e.value ?? e.contribution), ["a", "b", 3]);
    assert.equal(outbox.length, 0);
  });

  test("the network gone mid-way: what was not acknowledged stays, the rest is gone", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    outbox.add(answer("q2", "b"));
    const sent = server.send;
    let calls = 0;
    server.send = async (entry) => (++calls === 2 ? null : sent(entry));
    await outbox.flush();
    assert.deepEqual(outbox.entries.map((e) => e.step), ["q2"]);
    server.send = sent;
    await outbox.reconnected();
    assert.deepEqual(server.stored.map((e) => e.step), ["q1", "q2"]);
  });

  test("a reload (a new outbox over the same storage) sends what the old page kept", async () => {
    let connected = false;
    const before = page({ ready: () => connected });
    const entry = before.add(answer("q1", "c"));
    await before.flush();
    connected = true;
    const after = page(); // the page loaded again
    assert.equal(after.length, 1);
    await after.flush();
    assert.equal(server.stored.length, 1);
    assert.equal(server.stored[0].submission_id, entry.submission_id);
    assert.equal(page().length, 0, "and a third load finds nothing left");
  });

  test("entries of an earlier page version (answers without event or key) are sent as answers", async () => {
    backend.setItem(KEY, JSON.stringify([{ session: 7, step: "q1", value: "a", submission_id: "legacy-1" }]));
    const outbox = page();
    assert.equal(outbox.entries[0].event, "answer");
    assert.equal(outbox.entries[0].key, "legacy-1");
    await outbox.flush();
    assert.deepEqual(server.stored.map((e) => e.submission_id), ["legacy-1"]);
  });

  test("a flush asked for during a flush goes round again, sending nothing twice", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    const first = outbox.flush();
    outbox.add(answer("q2", "b"));
    const second = outbox.flush();
    await Promise.all([first, second]);
    assert.deepEqual(server.received.map((e) => e.step), ["q1", "q2"]);
    assert.equal(outbox.length, 0);
  });

  test("a resent upvote that had gone through (`already_voted`) is done", async () => {
    const outbox = page();
    outbox.add({ event: "upvote", session: 7, step: "o", contribution: 3 });
    server.loseAcks = 1;
    await outbox.flush();
    assert.equal(outbox.length, 1);
    await outbox.reconnected();
    assert.equal(outbox.length, 0);
    assert.ok(events.some((e) => e[0] === "done"));
  });
});

describe("refusals", () => {
  test("a busy server (`unavailable`) keeps the entry and resends it after a pause", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    outbox.add(answer("q2", "b"));
    server.refuse.answer = "unavailable";
    await outbox.flush();
    assert.equal(outbox.length, 2, "kept, and the next waits behind it");
    assert.equal(server.received.length, 1);
    assert.deepEqual(events.find((e) => e[0] === "kept").slice(2), ["retry"]);
    assert.deepEqual(timers.delays, [BACKOFF.first]);
    delete server.refuse.answer;
    timers.runAll();
    await settle();
    assert.deepEqual(server.stored.map((e) => e.step), ["q1", "q2"]);
    assert.equal(outbox.length, 0);
  });

  test("the pause doubles with each failure up to the longest, and starts over after success", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    server.refuse.answer = "unavailable";
    await outbox.flush();
    for (let i = 0; i < 6; i += 1) {
      timers.runAll();
      await settle();
    }
    assert.deepEqual(timers.delays, [2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    delete server.refuse.answer;
    timers.runAll();
    await settle();
    assert.equal(outbox.length, 0);
    assert.equal(outbox.failures, 0);
    assert.equal(outbox.delay(1), BACKOFF.first);
  });

  test("the pauses of many phones are spread by up to a fifth either way", () => {
    const outbox = new Outbox({ storage, key: KEY, send: server.send, random: () => 0 });
    const late = new Outbox({ storage, key: KEY, send: server.send, random: () => 1 });
    assert.equal(outbox.delay(1), 1600);
    assert.equal(late.delay(1), 2400);
  });

  test("a reconnect resends at once instead of waiting out the pause", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    server.refuse.answer = "unavailable";
    await outbox.flush();
    delete server.refuse.answer;
    await outbox.reconnected();
    assert.equal(outbox.length, 0);
    assert.equal(timers.pending.size, 0, "the waiting resend is cancelled");
  });

  test("a connection that lost its identity (`not_joined`) keeps the entry for after the rejoin", async () => {
    const outbox = page();
    const entry = outbox.add(answer("q1", "a"));
    server.refuse.answer = "not_joined";
    await outbox.flush();
    assert.deepEqual(events.find((e) => e[0] === "kept"), ["kept", entry.key, "rejoin"]);
    assert.equal(outbox.length, 1);
  });

  for (const error of ["step_closed", "invalid_value", "session_ended", "rate_limited", "only_stop_words"]) {
    test(`a final refusal (${error}) drops the entry, tells the page, and the next ones still go`, async () => {
      const outbox = page();
      const bad = outbox.add({ event: "propose", session: 7, step: "s", text: "x" });
      outbox.add(answer("q2", "b"));
      server.refuse.propose = error;
      await outbox.flush();
      assert.deepEqual(events.find((e) => e[0] === "refused"), ["refused", bad.key, error]);
      assert.equal(outbox.length, 0);
      assert.deepEqual(server.stored.map((e) => e.step), ["q2"]);
      assert.equal(timers.delays.length, 0, "no resend");
    });
  }

  test("what the page calls stale (another session, another person) is dropped unsent", async () => {
    const outbox = page({ stale: (entry) => entry.session !== 8 });
    outbox.add(answer("q1", "a"));
    outbox.add({ ...answer("q2", "b"), session: 8 });
    await outbox.flush();
    assert.deepEqual(server.received.map((e) => e.step), ["q2"]);
    assert.equal(outbox.length, 0);
  });

  test("an event this page does not know is dropped unsent", async () => {
    backend.setItem(KEY, JSON.stringify([{ key: "k", event: "teleport", session: 7, step: "q1" }]));
    const outbox = page();
    await outbox.flush();
    assert.equal(server.received.length, 0);
    assert.equal(outbox.length, 0);
  });
});

describe("clearing", () => {
  test("clear forgets everything and the waiting resend", async () => {
    const outbox = page();
    outbox.add(answer("q1", "a"));
    server.refuse.answer = "unavailable";
    await outbox.flush();
    outbox.clear();
    assert.equal(page().length, 0);
    assert.equal(timers.pending.size, 0);
  });

  test("update changes waiting entries and keeps them (a new person made by their first answer)", () => {
    const outbox = page();
    outbox.add({ ...answer("q1", "a"), person: null });
    outbox.update((entry) => {
      if (entry.person === null) entry.person = 42;
    });
    assert.equal(page().entries[0].person, 42);
  });
});

test("outcome names each kind of acknowledgement", () => {
  const entry = answer("q1", "a");
  assert.equal(outcome(entry, null), "lost");
  assert.equal(outcome(entry, { ok: true }), "done");
  assert.equal(outcome(entry, { ok: false, error: "unavailable" }), "retry");
  assert.equal(outcome(entry, { ok: false, error: "not_joined" }), "rejoin");
  assert.equal(outcome(entry, { ok: false, error: "invalid_value" }), "final");
  assert.equal(outcome({ event: "upvote" }, { ok: false, error: "already_voted" }), "done");
});
