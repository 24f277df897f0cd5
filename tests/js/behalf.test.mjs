// The behalf desk's choice of person (static/js/phone-behalf.js): a choice made while the
// server still answers the one before is sent after it, never dropped, and the outbox holds
// every answer until the server knows who answers.
import assert from "node:assert/strict";
import { test } from "node:test";

// The page's globals the modules read when they load (a Swedish page, online).
globalThis.navigator ??= { onLine: true };
globalThis.document ??= { documentElement: { lang: "sv", dataset: {} } };
const { behalfDesk } = await import("../../static/js/phone-behalf.js");

/** A connected socket whose acknowledgements come only when the test lets them. */
function heldSocket() {
  const sent = [];
  return {
    sent,
    connected: true,
    timeout: () => ({ emit: (event, payload, callback) => sent.push({ event, payload, callback }) }),
    /** The server answers the oldest unanswered request with ``ack``. */
    answer(ack) {
      const pending = sent.find((s) => !s.answered);
      pending.answered = true;
      pending.callback(null, ack);
    },
  };
}

function desk(socket) {
  const live = { person: null, people: [], switching: false, joined: false };
  const answers = { data: { session: 7, person: null }, reset() {}, save() {} };
  const { actAs } = behalfDesk({
    live,
    socket,
    storage: { set() {} },
    keys: { person: "person" },
    answers,
    outbox: { reconnected() {}, update() {}, flush() {} },
    view: {}, // no person menu on the page: nothing to draw
    strings: {},
    showAlert() {},
    renderEnded() {},
    applyState() {},
    session: 7,
  });
  return { live, actAs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("a name typed while the choice before is still unanswered is sent after it", async () => {
  const socket = heldSocket();
  const { live, actAs } = desk(socket);
  const chosen = actAs({ target: null }); // "Ny person" chosen
  actAs({ target: null, name: "Gunnel" }); // the name, typed at once
  assert.equal(socket.sent.length, 1);
  assert.equal(live.switching, true);
  socket.answer({ ok: true, participant: null, people: [], state: {} });
  await settle();
  assert.equal(socket.sent.length, 2);
  assert.deepEqual(socket.sent[1].payload, { session: 7, name: "Gunnel" });
  assert.equal(live.switching, true); // answers still wait: the name is not known yet
  socket.answer({ ok: true, participant: null, people: [], state: {} });
  await chosen; // the first choice's call ends with the one that superseded it
  assert.equal(live.switching, false);
});

test("offline, nothing is asked and the outbox is not held", async () => {
  const socket = heldSocket();
  socket.connected = false;
  const { live, actAs } = desk(socket);
  assert.equal(await actAs({ target: null, name: "Gunnel" }), null);
  assert.equal(socket.sent.length, 0);
  assert.equal(live.switching, false);
});
