// The phone view, /j/<code>: the wiring. Joins (or resumes with the token kept on the phone,
// phone-join.js), shows the current step (phone-current.js, the kinds' own code in kinds/), and
// sends answers through the outbox kept in localStorage (outbox.js, answers.js: no DOM, tested
// under Node) so that nothing is lost when the network drops or the page reloads. See
// docs/protocol.md and docs/architecture.md ("The browser scripts").
//
// The same page answers on someone's behalf (/sessions/<id>/behalf, `config.behalf`): the
// leader's connection then acts as a person without a phone (`behalf`) instead of joining.
import { announce, format, readJson, show } from "./dom.js";
import { connect, request } from "./live.js";
import { Answers } from "./answers.js";
import { kindOf, loadKinds, withKindWords } from "./kinds.js";
import { uiAttributes } from "./phone-step.js";
import { createStorage, Outbox, PAYLOADS } from "./outbox.js";
import { behalfDesk } from "./phone-behalf.js";
import { currentStep } from "./phone-current.js";
import { joinForm } from "./phone-join.js";
import { scoreBadge, timerDisplay } from "./phone-status.js";
import { Countdown } from "./timer.js";

const strings = withKindWords(readJson("strings"));
// Every kind's browser code before the first step is drawn, so that a phone offline later
// still draws any step (kinds.js).
await loadKinds();
const { code, behalf, circle } = readJson("config");
/** Where this phone keeps its circle token (opt-in recognition across a circle's meetings). */
const circleKey = circle ? `facilitate:circle:${circle}:token` : null;
const locale = document.documentElement.lang || "sv";
const numbers = new Intl.NumberFormat(locale);

const $ = (id) => document.getElementById(id);
const view = {
  title: $("session-title"),
  counter: $("step-counter"),
  alert: $("alert"),
  join: $("join"),
  joinForm: $("join-form"),
  name: $("name"),
  nameLabel: $("name-label"),
  nameHint: $("name-hint"),
  score: $("score"),
  timer: $("timer"),
  timerLabel: $("timer-label"),
  timerValue: $("timer-value"),
  timerState: $("timer-state"),
  lobby: $("lobby"),
  step: $("step"),
  stepBody: $("step-body"),
  stepAfter: $("step-after"),
  ended: $("ended"),
  status: $("status"),
  announcer: $("announcer"),
  joinedAs: $("joined-as"),
  behalf: $("behalf"),
  behalfWho: $("behalf-who"),
  behalfPerson: $("behalf-person"),
  behalfName: $("behalf-name"),
  behalfNameField: $("behalf-name-field"),
};

/** Whether a participant sends several contributions to `step` (or an outbox entry's step),
 * each its own answer: the step view's `many`. FALLBACK until every server sends `many`: the
 * kinds that had it (and outbox entries stored before `many` was kept with them). */
function severalAnswers(step) {
  if (step && typeof step.many === "boolean") return step.many;
  return Boolean(step) && ["open", "wordcloud"].includes(step.kind);
}

// ---------------------------------------------------------------------------------------------
// What the phone keeps: the token, the answers it has had acknowledged, and the outbox.

/** localStorage, or memory where storage is blocked (some private modes). */
const storage = createStorage(() => window.localStorage);

/** On behalf of others the keys are the leader's, per session, apart from a phone's. */
const prefix = behalf ? `facilitate:behalf:${behalf}` : `facilitate:${code}`;
const keys = {
  token: `${prefix}:token`,
  person: `${prefix}:person`,
  answers: `${prefix}:answers`,
  outbox: `${prefix}:outbox`,
};

/**
 * What the page knows now, shared with its parts (phone-join.js, phone-behalf.js): the token,
 * on behalf of others the person answered for (a participant id) and the people answered for
 * in this session, whether the phone wants to join and has joined on this connection, the
 * participant, the latest snapshot, and the step on screen (`current`: {id, step, form,
 * controls, own, closedNote, results, ...}, see phone-step.js and contribute.js).
 */
const live = {
  token: behalf ? null : storage.get(keys.token, null),
  person: behalf ? storage.get(keys.person, null) : null,
  people: [],
  wantJoin: false,
  pendingName: null,
  joined: false,
  participant: null,
  state: null,
  current: null,
  // A `behalf` request in flight (phone-behalf.js): the outbox waits for it.
  switching: false,
};
live.wantJoin = Boolean(live.token) || Boolean(behalf); // resume at once when the phone has a token

/** What the server has acknowledged (answers.js), kept on the phone. */
const answers = new Answers(storage, keys.answers, live.person);

/** What waits to be sent (outbox.js): {key, event, session, step, kind, many, ...fields}. */
const outbox = new Outbox({
  storage,
  key: keys.outbox,
  send: (entry) => request(socket, entry.event, PAYLOADS[entry.event](entry)),
  ready: () => live.joined && socket.connected && !live.switching,
  stale: (entry) => (live.state && entry.session !== live.state.session.id) || (behalf && entry.person !== live.person),
  on: {
    queued: () => setStatus(strings.queued),
    sending: () => setStatus(strings.sending),
    done: delivered,
    kept(entry, ack, why) {
      if (why === "rejoin") rejoin();
      else if (why === "retry") showAlert(ack.message);
      setStatus(strings.queued);
    },
    refused(entry, ack) {
      showAlert(ack.message);
      setStatus("");
      if (live.current && live.current.id === entry.step) live.current.dirty = false;
      // An edit, withdrawal or upvote refused: the phone's picture of the step may be out of date.
      return !(entry.event === "answer" || entry.event === "propose");
    },
    idle(needSync) {
      if (live.current) updateStep();
      if (needSync) sync();
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Connection and joining.

/** The order this participant is shown a ranking's options in: {step, order}. */
let presented = null;

const socket = connect({ indicator: $("connection"), strings, onConnect: () => (behalf ? desk.actAs() : joiner.join()) });
socket.on("disconnect", () => {
  live.joined = false;
});
socket.on("state", (snapshot) => {
  if (!live.joined) return;
  applyState(snapshot, false);
  // Broadcasts carry no points (they are the same for every phone): ask for our own, once per
  // broadcast — after a reveal, at the end, or when competitive mode has just been turned on.
  const { session } = snapshot;
  if (session.competitive && (session.revealed || session.status === "ended" || !score())) sync();
  else if (ownStateUnknown()) sync();
});
// The leader took this participant out: nothing more is sent, and the phone does not rejoin.
socket.on("removed", () => {
  live.wantJoin = false;
  live.joined = false;
  renderEnded();
  showAlert(strings.removed);
});
// While the room's results are shown live (open contributions), phones get the tallies too.
socket.on("tally", (tally) => {
  if (!live.joined || !live.state || !live.state.step || tally.step_id !== live.state.step.id || !tally.results) return;
  live.state.results = tally.results;
  if (live.current && live.current.id === live.state.step.id) updateStep();
});

/** Join again after a connection lost its identity (`not_joined`). */
function rejoin() {
  live.joined = false;
  if (behalf) desk.actAs();
  else joiner.join();
}

// ---------------------------------------------------------------------------------------------
// Joining (phone-join.js), and on someone's behalf (phone-behalf.js).

const parts = { live, socket, storage, keys, answers, outbox, view, strings, showAlert, renderEnded, applyState };
const joiner = joinForm({ ...parts, code, locale, circleKey });
const desk = behalfDesk({ ...parts, session: behalf });

// ---------------------------------------------------------------------------------------------
// Snapshots.

/** Take a snapshot; `withAnswer` when it comes from `join`/`sync` and holds the server's truth. */
function applyState(snapshot, withAnswer) {
  // A ranking's options come in this participant's own order, in join and sync snapshots
  // only (broadcasts are the same for everyone): keep it while the step lasts.
  if (snapshot.step && Array.isArray(snapshot.presented)) presented = { step: snapshot.step.id, order: snapshot.presented };
  if (snapshot.step && kindOf(snapshot.step.kind).presented && presented && presented.step === snapshot.step.id) {
    snapshot.step.presented = presented.order;
  }
  live.state = snapshot;
  const session = snapshot.session;
  answers.forSession(session.id);
  if (withAnswer && snapshot.step && "answer" in snapshot) {
    answers.fromSnapshot(snapshot.step, snapshot.answer, snapshot.voted, severalAnswers(snapshot.step));
  }
  render();
}

function render() {
  const session = live.state.session;
  view.title.textContent = session.title || view.title.textContent;
  if (session.title) document.title = `${session.title} – facilitate`;
  if (live.participant && live.participant.name && !behalf) {
    const template = session.team_mode ? strings.joined_as_group : strings.joined_as;
    view.joinedAs.textContent = format(template, { name: live.participant.name });
    show(view.joinedAs, true);
  }
  renderScore();
  show(view.join, false);
  show(view.lobby, session.status === "lobby");
  show(view.ended, session.status === "ended");
  const running = session.status === "running" && live.state.step;
  show(view.step, Boolean(running));
  if (session.status === "ended") {
    renderEnded();
    countdown.update(null);
    return;
  }
  if (running && session.step_index !== null && session.step_index !== undefined) {
    view.counter.textContent = format(strings.step_counter, {
      index: session.step_index + 1,
      count: session.step_count,
    });
    show(view.counter, true);
  } else {
    show(view.counter, false);
  }
  countdown.update(running ? session : null);
  if (running) renderStep(live.state.step);
  else live.current = null;
}

function renderEnded() {
  show(view.join, false);
  show(view.lobby, false);
  show(view.step, false);
  show(view.counter, false);
  show(view.ended, true);
  live.current = null;
  if (outbox.length) outbox.clear(); // the session takes no more answers
  setStatus("");
}

// ---------------------------------------------------------------------------------------------
// The current step (phone-current.js).

/** Attributes for interface text inside the step container, whose `lang` is the step's. */
const ui = uiAttributes(locale);

// ---------------------------------------------------------------------------------------------
// Sending: into the outbox first, then to the server, in order. Answers, edits, withdrawals,
// upvotes and proposals all go this way, so none is lost to a dropped connection.

/** The page context the step's forms (phone-step.js) and the dialogue tools (contribute.js)
 * work with. */
const phone = {
  strings,
  locale,
  numbers,
  ui,
  isOpen,
  showAlert,
  send,
  own: (stepId) => answers.own(stepId),
  waiting: (stepId) => outbox.entries.filter((entry) => entry.step === stepId && live.state && entry.session === live.state.session.id),
  voted: (stepId) => {
    const ids = new Set(answers.voted(stepId));
    for (const entry of outbox.entries) if (entry.event === "upvote" && entry.step === stepId) ids.add(entry.contribution);
    return ids;
  },
  proposals: (stepId) => answers.proposals(stepId),
  queue,
  refreshOwn: () => {
    if (live.current) live.current.ownSignature = null;
    renderOwn();
  },
  focusField: () => {
    if (live.current && live.current.field && !live.current.field.disabled) live.current.field.focus();
    else {
      const heading = document.getElementById("step-prompt");
      if (heading) heading.focus();
    }
  },
};

const steps = currentStep({ live, view, strings, locale, numbers, ui, phone, answers, outbox, sync, setStatus, severalAnswers, roomContributions, score: () => score(), expired: () => countdown.expired });
const { renderStep, updateStep, renderOwn } = steps;

/** An answer to the step: `extra` adds fields (a statement's id). */
function send(step, value, extra = {}) {
  if (live.current) live.current.dirty = false;
  queue(step, { event: "answer", value, ...extra });
}

/** Put an event for `step` into the outbox and send what waits. */
function queue(step, fields) {
  showAlert("");
  const entry = { session: live.state.session.id, step: step.id, kind: step.kind, many: severalAnswers(step), ...fields };
  if (behalf) entry.person = live.person;
  outbox.add(entry);
  setStatus(strings.sending);
  if (live.current && live.current.id === step.id) updateStep();
  outbox.flush();
}

/** What the phone says once each event has gone through. */
const DONE = {
  answer: "received",
  edit: "edit_saved",
  withdraw: "withdrawn",
  upvote: "upvoted",
  propose: "proposed",
};

/**
 * An entry the server has acknowledged: keep it among the answers and say so. True when the
 * server's view of the participant's answers is worth fetching (ids of new contributions, a
 * resend already stored).
 */
function delivered(entry, ack) {
  if (behalf && ack.participant && live.person === null) desk.madePerson(ack);
  const several = severalAnswers(entry);
  if (!ack.duplicate) answers.remember(entry, ack, { several, pending: Boolean(live.state && live.state.session.premoderation && !behalf) });
  setStatus(strings[DONE[entry.event]]);
  if (entry.event === "withdraw") announce(view.announcer, strings.withdrawn);
  return Boolean(ack.duplicate) || (several && (entry.event === "answer" || entry.event === "edit"));
}

/** Whether the phone's picture of its own contributions may be out of date after a broadcast
 * (answers.js, `unsure`). */
function ownStateUnknown() {
  const step = live.state && live.state.step;
  return Boolean(step && severalAnswers(step) && answers.unsure(step.id, roomContributions()));
}

/** The contributions the room sees now (open steps), or null. */
function roomContributions() {
  const results = live.state && live.state.results && live.state.results.results;
  return results && Array.isArray(results.contributions) ? results.contributions : null;
}

let syncing = false;
let syncAgain = false;

/** Ask the server what it has of this participant's, rather than guess (a resend already
 * stored, ids of new contributions, the leader's decisions); one request at a time. */
async function sync() {
  if (syncing) {
    syncAgain = true;
    return;
  }
  syncing = true;
  do {
    syncAgain = false;
    const ack = await request(socket, "sync", {});
    if (ack && ack.ok) applyState(ack.state, true);
  } while (syncAgain);
  syncing = false;
}

// ---------------------------------------------------------------------------------------------
// Messages.

let statusText = "";
function setStatus(message) {
  if (message === statusText) return;
  statusText = message;
  announce(view.status, message);
}

function showAlert(message) {
  view.alert.textContent = message || "";
}

window.addEventListener("online", () => {
  if (socket.connected && live.joined && outbox.length) outbox.reconnected();
});

// ---------------------------------------------------------------------------------------------
// The timer and the points (phone-status.js).

const countdown = new Countdown(
  timerDisplay({
    view,
    strings,
    locale,
    numbers,
    // Running out (or a new snapshot) changes whether the form takes answers.
    changed: () => {
      if (live.current && live.state && live.state.step && live.current.id === live.state.step.id) updateStep();
    },
  }),
);
const points = scoreBadge({ view, strings, numbers });
const renderScore = () => points.render(live.state);
const score = () => points.score;

/** Whether answers are taken now: the server says so, and the timer has not run out here. */
function isOpen() {
  return Boolean(live.state && live.state.session.open) && !countdown.expired;
}
