// The phone view, /j/<code>. Joins (or resumes with the token kept on the phone), shows the
// current step, and sends answers through an outbox kept in localStorage so that nothing is
// lost when the network drops or the page reloads. See docs/protocol.md.
//
// The same page answers on someone's behalf (/sessions/<id>/behalf, `config.behalf`): the
// leader's connection then acts as a person without a phone (`behalf`) instead of joining.
import { announce, el, format, plural, readJson, replace, show } from "./dom.js";
import { connect, request, RETRY_DELAY } from "./live.js";
import { Answers } from "./answers.js";
import { keepingFocus, upvoteOptions } from "./contribute.js";
import { kindOf, loadKinds, withKindWords } from "./kinds.js";
import { buildPhoneStep, uiAttributes } from "./phone-step.js";
import { isCorrect, renderExplanation, renderResults } from "./results.js";
import { createStorage, Outbox, PAYLOADS } from "./outbox.js";
import { clockText, Countdown } from "./timer.js";

const strings = withKindWords(readJson("strings"));
// Every kind's browser code before the first step is drawn, so that a phone offline later
// still draws any step (kinds.js).
await loadKinds();
const { code, behalf, circle } = readJson("config");
/** Where this phone keeps its circle token (opt-in recognition across a circle's meetings). */
const circleKey = circle ? `facilitate:circle:${circle}:token` : null;
const locale = document.documentElement.lang || "sv";
const numbers = new Intl.NumberFormat(locale);

/** When the remaining time is announced to screen readers (seconds left): once, never more. */
const ANNOUNCE_AT = 10;

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

let token = behalf ? null : storage.get(keys.token, null);
/** On behalf of others: the person answered for now (a participant id). */
let person = behalf ? storage.get(keys.person, null) : null;

/** What the server has acknowledged (answers.js), kept on the phone. */
const answers = new Answers(storage, keys.answers, person);

/** What waits to be sent (outbox.js): {key, event, session, step, kind, many, ...fields}. */
const outbox = new Outbox({
  storage,
  key: keys.outbox,
  send: (entry) => request(socket, entry.event, PAYLOADS[entry.event](entry)),
  ready: () => joined && socket.connected,
  stale: (entry) => (state && entry.session !== state.session.id) || (behalf && entry.person !== person),
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
      if (current && current.id === entry.step) current.dirty = false;
      // An edit, withdrawal or upvote refused: the phone's picture of the step may be out of date.
      return !(entry.event === "answer" || entry.event === "propose");
    },
    idle(needSync) {
      if (current) updateStep();
      if (needSync) sync();
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Connection and joining.

let wantJoin = Boolean(token) || Boolean(behalf); // resume at once when the phone has a token
let pendingName = null;
let joined = false; // joined (or acting on someone's behalf) on the current connection
let joining = false;
let participant = null;
let state = null;
/** The order this participant is shown a ranking's options in: {step, order}. */
let presented = null;

const socket = connect({ indicator: $("connection"), strings, onConnect: () => (behalf ? actAs() : join()) });
socket.on("disconnect", () => {
  joined = false;
});
socket.on("state", (snapshot) => {
  if (!joined) return;
  applyState(snapshot, false);
  // Broadcasts carry no points (they are the same for every phone): ask for our own, once per
  // broadcast — after a reveal, at the end, or when competitive mode has just been turned on.
  const { session } = snapshot;
  if (session.competitive && (session.revealed || session.status === "ended" || !score)) sync();
  else if (ownStateUnknown()) sync();
});
// The leader took this participant out: nothing more is sent, and the phone does not rejoin.
socket.on("removed", () => {
  wantJoin = false;
  joined = false;
  renderEnded();
  showAlert(strings.removed);
});
// While the room's results are shown live (open contributions), phones get the tallies too.
socket.on("tally", (tally) => {
  if (!joined || !state || !state.step || tally.step_id !== state.step.id || !tally.results) return;
  state.results = tally.results;
  if (current && current.id === state.step.id) updateStep();
});

/** Join again after a connection lost its identity (`not_joined`). */
function rejoin() {
  joined = false;
  if (behalf) actAs();
  else join();
}

async function join() {
  if (!wantJoin || joining || !socket.connected) return;
  joining = true;
  const payload = { code, locale };
  if (token) payload.token = token;
  if (pendingName) payload.name = pendingName;
  const circleToken = circleKey ? storage.get(circleKey, null) : null;
  if (circleToken) payload.circle_token = circleToken;
  else if (circleKey && document.getElementById("recognise")?.checked) payload.recognise = true;
  const ack = await request(socket, "join", payload);
  joining = false;
  if (!ack) {
    window.setTimeout(join, RETRY_DELAY);
    return;
  }
  if (!ack.ok) {
    joinFailed(ack);
    return;
  }
  if (circleKey && ack.circle && ack.circle.token) storage.set(circleKey, ack.circle.token);
  if (ack.token !== token) {
    // A new participant (first join, or a token the server did not know): start afresh.
    token = ack.token;
    storage.set(keys.token, token);
    answers.reset(null, person);
    outbox.clear();
  }
  pendingName = null;
  joined = true;
  participant = ack.participant;
  showAlert("");
  applyState(ack.state, true);
  outbox.reconnected();
}

function joinFailed(ack) {
  showAlert(ack.message);
  if (ack.error === "name_required") {
    // Team mode: one phone per table group, joining under the group's name.
    wantJoin = false;
    askForGroupName(ack.message);
  } else if (ack.error === "session_ended") {
    renderEnded();
  } else if (ack.error === "unavailable" || ack.error === "rate_limited") {
    window.setTimeout(join, RETRY_DELAY * 2);
  } else if (!token) {
    // The name did not go through (too long, not understood): let them try again.
    wantJoin = false;
    show(view.join, true);
    view.name.setAttribute("aria-invalid", "true");
    view.name.setAttribute("aria-describedby", "name-hint alert");
    view.name.focus();
  }
}

/** The message that asks for the group's name (team mode), once the server has asked for it. */
let groupNameMessage = null;

function askForGroupName(message) {
  groupNameMessage = message || groupNameMessage;
  view.nameLabel.textContent = strings.group_name;
  view.nameHint.textContent = strings.group_hint;
  view.name.required = true;
  view.name.setAttribute("aria-required", "true");
  view.name.setAttribute("autocomplete", "off");
  show(view.join, true);
  view.name.setAttribute("aria-invalid", "true");
  view.name.setAttribute("aria-describedby", "name-hint alert");
  view.name.focus();
}

view.joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  pendingName = view.name.value.trim() || null;
  if (view.name.required && !pendingName) {
    askForGroupName(null);
    showAlert(groupNameMessage);
    return;
  }
  view.name.removeAttribute("aria-invalid");
  wantJoin = true;
  show(view.join, false);
  join();
});

if (!wantJoin) show(view.join, true);

// ---------------------------------------------------------------------------------------------
// On someone's behalf: the leader enters the answers of people without a phone, one person at a
// time. The person is kept (per session) so that a reload goes on with the same one.

let acting = false;
/** The people without a phone the leader has answered for in this session: [{id, name, number}]. */
let people = [];

/**
 * Act as `target`: a person's id, or null for a new person (named `name`), who the server
 * makes only with their first answer, so that choosing nobody in particular adds nobody.
 * Without arguments: the kept person.
 */
async function actAs({ target = person, name = null } = {}) {
  if (acting || !socket.connected) return null;
  acting = true;
  const payload = { session: behalf };
  if (target !== null && target !== undefined) payload.person = target;
  else if (name) payload.name = name;
  const ack = await request(socket, "behalf", payload);
  acting = false;
  if (!ack) {
    window.setTimeout(() => actAs({ target, name }), RETRY_DELAY);
    return null;
  }
  if (!ack.ok) {
    if (ack.error === "unknown_person") return actAs({ target: null });
    showAlert(ack.message);
    if (ack.error === "session_ended") renderEnded();
    else if (ack.error === "unavailable") window.setTimeout(() => actAs({ target, name }), RETRY_DELAY * 2);
    return ack;
  }
  people = Array.isArray(ack.people) ? ack.people : people;
  becomePerson(ack.participant ? ack.participant.id : null);
  joined = true;
  participant = ack.participant;
  showAlert("");
  renderBehalf();
  applyState(ack.state, true);
  outbox.reconnected();
  return ack;
}

/** From now on the answers are `id`'s (null: a new person, not made yet). */
function becomePerson(id) {
  if (id !== person || answers.data.person !== person) {
    person = id;
    storage.set(keys.person, person);
    answers.reset(answers.data.session, person);
  }
}

/** The first answer of a new person made them: they are the person answered for now. */
function madePerson(ack) {
  const made = ack.participant;
  outbox.update((entry) => {
    if (entry.person === null) entry.person = made.id;
  });
  person = made.id;
  storage.set(keys.person, person);
  answers.data.person = person;
  answers.save();
  participant = made;
  people = Array.isArray(ack.people) ? ack.people : [...people, { id: made.id, name: made.name, number: null }];
  renderBehalf();
  announce(view.announcer, format(strings.behalf_now, { name: personName(participant) }));
}

function personName(who) {
  if (!who) return strings.behalf_new_person;
  const known = people.find((p) => p.id === who.id) || who;
  return known.name || format(strings.person_fallback, { n: known.number ?? who.id });
}

function renderBehalf() {
  if (!behalf || !view.behalf) return;
  show(view.behalf, true);
  view.behalfWho.textContent = participant ? format(strings.behalf_for, { name: personName(participant) }) : strings.behalf_for_new;
  const options = [
    el("option", { value: "", text: strings.behalf_new_option }),
    ...people.map((p) => el("option", { value: String(p.id), text: personName(p) })),
  ];
  replace(view.behalfPerson, options);
  view.behalfPerson.value = participant ? String(participant.id) : "";
  show(view.behalfNameField, !participant);
}

if (behalf && view.behalf) {
  view.behalfPerson.addEventListener("change", async () => {
    const chosen = view.behalfPerson.value ? Number(view.behalfPerson.value) : null;
    if (outbox.length) {
      // What waits to be sent is the present person's: it must go first.
      showAlert(strings.behalf_wait);
      renderBehalf();
      outbox.flush();
      return;
    }
    if (!socket.connected) {
      showAlert(strings.offline_retry);
      renderBehalf();
      return;
    }
    if (chosen === null) view.behalfName.value = "";
    const ack = await actAs({ target: chosen });
    if (ack && ack.ok) announce(view.announcer, format(strings.behalf_now, { name: personName(participant) }));
  });
  // A new person's name goes along with their first answer: it is told to the server as soon
  // as it is typed (on leaving the field), before anything is sent.
  view.behalfName.addEventListener("change", () => {
    if (participant) return;
    actAs({ target: null, name: view.behalfName.value.trim() || null });
  });
}

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
  state = snapshot;
  const session = snapshot.session;
  answers.forSession(session.id);
  if (withAnswer && snapshot.step && "answer" in snapshot) {
    answers.fromSnapshot(snapshot.step, snapshot.answer, snapshot.voted, severalAnswers(snapshot.step));
  }
  render();
}

function render() {
  const session = state.session;
  view.title.textContent = session.title || view.title.textContent;
  if (session.title) document.title = `${session.title} – facilitate`;
  if (participant && participant.name && !behalf) {
    const template = session.team_mode ? strings.joined_as_group : strings.joined_as;
    view.joinedAs.textContent = format(template, { name: participant.name });
    show(view.joinedAs, true);
  }
  renderScore();
  show(view.join, false);
  show(view.lobby, session.status === "lobby");
  show(view.ended, session.status === "ended");
  const running = session.status === "running" && state.step;
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
  if (running) renderStep(state.step);
  else current = null;
}

function renderEnded() {
  show(view.join, false);
  show(view.lobby, false);
  show(view.step, false);
  show(view.counter, false);
  show(view.ended, true);
  current = null;
  if (outbox.length) outbox.clear(); // the session takes no more answers
  setStatus("");
}

// ---------------------------------------------------------------------------------------------
// The current step. It is built once per step and then only updated, so that a new snapshot
// (another participant's answer revealed, answering closed) never wipes what is being typed.

/**
 * The step on screen: {id, step, form, controls: [...], own, closedNote, results}, and for the
 * dialogue tools what is being edited or confirmed (see contribute.js).
 */
let current = null;

/** Attributes for interface text inside the step container, whose `lang` is the step's. */
const ui = uiAttributes(locale);

function renderStep(step) {
  // A ranking's options are drawn only in this participant's own order (join and sync
  // snapshots carry it; after a broadcast it is asked for): until then the step shows without
  // them, never in the content's order.
  if (kindOf(step.kind).presented && step.answerable && !Array.isArray(step.presented)) {
    step.presented = [];
    sync();
  }
  const reorder = current && current.id === step.id && current.rank && !current.dirty && step.presented && current.rank.presented.join() !== step.presented.join();
  if (!current || current.id !== step.id || reorder) buildStep(step);
  current.step = step;
  updateStep();
}

function buildStep(step) {
  const focusWasInside = view.step.contains(document.activeElement) || document.activeElement === document.body;
  const built = buildPhoneStep(phone, step);
  current = built.current;
  view.step.setAttribute("lang", step.lang || locale);
  replace(view.stepBody, built.parts);
  replace(view.stepAfter, current.results);
  announce(view.announcer, format(strings.new_step, { prompt: step.prompt || "" }));
  if (!outbox.length) setStatus("");
  if (focusWasInside) built.heading.focus();
}

/** Bring the built step up to date: open or closed, own answers, revealed results. */
function updateStep() {
  const { step } = current;
  if (!step.answerable) return;
  const open = isOpen();
  for (const control of current.controls) control.disabled = !open;
  if (current.refresh) current.refresh();
  if (current.closedNote) {
    current.closedNote.hidden = open;
    current.closedNote.textContent = countdown.expired ? strings.time_up_note : strings.closed;
  }
  if (severalAnswers(step)) answers.reconcile(step.id, roomContributions());
  renderOwn();
  if (state.results) {
    const mine = ownValue(step.id);
    // Open steps: the room's contributions, live, each with an upvote button (not one's own).
    const room = Array.isArray(state.results.results && state.results.results.contributions);
    const options = room ? upvoteOptions(phone, current, step) : {};
    keepingFocus(() =>
      replace(
        current.results,
        el("h3", { id: "results-heading", text: room ? strings.room_contributions : strings.results }),
        room && open ? el("p", { class: "hint", text: strings.upvote_hint }) : null,
        Array.isArray(step.correct) ? null : verdict(step, mine),
        renderResults(step, state.results, strings, { mine, lang: locale, ...options }),
        Array.isArray(step.correct) ? null : renderExplanation(step, strings, "h4"),
      ),
    );
    // Announced when the leader reveals them, not when an open step's live list first shows
    // (that would drown the new step's own announcement).
    if (state.session.revealed && !current.announcedReveal) {
      current.announcedReveal = true;
      announceResults(step, mine);
    }
    current.results.hidden = false;
  } else {
    current.results.hidden = true;
    replace(current.results);
  }
  renderResultCard(step);
}

/**
 * After a quiz question is revealed, the phone's first view is the outcome: a card at the top
 * with ✓ or ✕, the right answer, the explanation, and in competitive mode the points and
 * place. The greyed-out form goes away (the results below still name every option).
 */
function renderResultCard(step) {
  const revealed = Boolean(state.session.revealed && Array.isArray(step.correct));
  if (current.form) current.form.hidden = revealed;
  if (current.closedNote && revealed) current.closedNote.hidden = true;
  if (!revealed) {
    if (current.card) current.card.remove();
    current.card = null;
    return;
  }
  const mine = ownValue(step.id);
  const points =
    state.session.competitive && score && typeof score.points === "number"
      ? el("p", { class: "result-points", text: format(strings.score, { points: numbers.format(score.points), rank: numbers.format(score.rank) }) })
      : null;
  const card = el(
    "section",
    ui(step, { class: "result-card", id: "result-card", "aria-labelledby": "result-card-heading", tabindex: "-1" }),
    el("h3", { id: "result-card-heading", class: "visually-hidden", text: strings.your_result }),
    verdict(step, mine),
    points,
    renderExplanation(step, strings, "h4"),
  );
  const first = !current.card;
  if (current.card) current.card.replaceWith(card);
  else view.stepBody.querySelector("#step-prompt").after(card);
  current.card = card;
  if (first) {
    // Brought into view, as the answer itself would be; the focus follows only if it was in
    // the step already (a screen reader hears the verdict from the announcer anyway).
    card.scrollIntoView({ block: "start" });
    window.scrollBy(0, -8);
  }
}

/** The results have just been shown: say so, and for a quiz whether the answer was right. */
function announceResults(step, mine) {
  const note = verdict(step, mine);
  const lines = note ? [...note.children].map((line) => line.textContent.replace(/^[✓✕]\s*/, "")) : [];
  announce(view.announcer, lines.length ? `${strings.results}. ${lines.join(" ")}` : strings.results);
}

/** After a quiz is revealed: whether the participant's answer was right, and the right one. */
function verdict(step, mine) {
  if (!Array.isArray(step.correct)) return null;
  const right = (step.options || []).filter((option) => isCorrect(step, option));
  const answer = el("p", { text: format(strings.correct_answer, { answer: right.map((o) => o.text).join(", ") }) });
  if (mine === null || mine === undefined) return el("div", { class: "verdict" }, answer);
  const given = new Set((Array.isArray(mine) ? mine : [mine]).map(String));
  const ok = given.size === right.length && right.every((option) => given.has(String(option.id)));
  return el(
    "div",
    { class: ok ? "verdict verdict-right" : "verdict verdict-wrong" },
    el("p", { class: "verdict-text" }, el("span", { "aria-hidden": "true", text: ok ? "✓ " : "✕ " }), ok ? strings.answered_right : strings.answered_wrong),
    ok ? null : answer,
  );
}

function ownValue(stepId) {
  return answers.own(stepId);
}

/** The participant's own answer, as the step's kind shows it (preselected choices, the list of
 * their contributions, their ranking). */
function renderOwn() {
  if (!current || !current.own) return;
  const { step } = current;
  const kind = kindOf(step.kind);
  if (!kind.own) return;
  const waiting = outbox.entries.filter((entry) => entry.step === step.id);
  kind.own(phone, current, step, { mine: ownValue(step.id), waiting });
}

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
  own: (stepId) => ownValue(stepId),
  waiting: (stepId) => outbox.entries.filter((entry) => entry.step === stepId && state && entry.session === state.session.id),
  voted: (stepId) => {
    const ids = new Set(answers.voted(stepId));
    for (const entry of outbox.entries) if (entry.event === "upvote" && entry.step === stepId) ids.add(entry.contribution);
    return ids;
  },
  proposals: (stepId) => answers.proposals(stepId),
  queue,
  refreshOwn: () => {
    if (current) current.ownSignature = null;
    renderOwn();
  },
  focusField: () => {
    if (current && current.field && !current.field.disabled) current.field.focus();
    else {
      const heading = document.getElementById("step-prompt");
      if (heading) heading.focus();
    }
  },
};

/** An answer to the step: `extra` adds fields (a statement's id). */
function send(step, value, extra = {}) {
  if (current) current.dirty = false;
  queue(step, { event: "answer", value, ...extra });
}

/** Put an event for `step` into the outbox and send what waits. */
function queue(step, fields) {
  showAlert("");
  const entry = { session: state.session.id, step: step.id, kind: step.kind, many: severalAnswers(step), ...fields };
  if (behalf) entry.person = person;
  outbox.add(entry);
  setStatus(strings.sending);
  if (current && current.id === step.id) updateStep();
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
  if (behalf && ack.participant && person === null) madePerson(ack);
  const several = severalAnswers(entry);
  if (!ack.duplicate) answers.remember(entry, ack, { several, pending: Boolean(state && state.session.premoderation && !behalf) });
  setStatus(strings[DONE[entry.event]]);
  if (entry.event === "withdraw") announce(view.announcer, strings.withdrawn);
  return Boolean(ack.duplicate) || (several && (entry.event === "answer" || entry.event === "edit"));
}

/** Whether the phone's picture of its own contributions may be out of date after a broadcast
 * (answers.js, `unsure`). */
function ownStateUnknown() {
  const step = state && state.step;
  return Boolean(step && severalAnswers(step) && answers.unsure(step.id, roomContributions()));
}

/** The contributions the room sees now (open steps), or null. */
function roomContributions() {
  const results = state && state.results && state.results.results;
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
  if (socket.connected && joined && outbox.length) outbox.reconnected();
});

// ---------------------------------------------------------------------------------------------
// The timer: a visible countdown; screen readers hear it only at ANNOUNCE_AT seconds left, when
// it is paused and when the time is up — never every second.

const countdown = new Countdown(showTimer);

/** Whether answers are taken now: the server says so, and the timer has not run out here. */
function isOpen() {
  return Boolean(state && state.session.open) && !countdown.expired;
}

function showTimer({ state: timerState, seconds, previous, previousSeconds }) {
  view.timer.dataset.state = timerState;
  show(view.timer, timerState !== "none");
  if (timerState === "none") return;
  const expired = timerState === "expired";
  view.timerLabel.textContent = expired ? strings.time_up : strings.time_left;
  view.timerValue.textContent = expired ? "" : clockText(seconds, locale);
  view.timerState.textContent = timerState === "paused" ? strings.paused : "";
  view.timer.classList.toggle("timer-low", timerState === "running" && seconds <= ANNOUNCE_AT);
  if (timerState === "running" && seconds === ANNOUNCE_AT && previous === "running" && previousSeconds > ANNOUNCE_AT) {
    announce(view.announcer, plural(strings.seconds_left, seconds, { n: numbers.format(seconds) }));
  } else if (timerState === "paused" && previous === "running") {
    announce(view.announcer, strings.timer_paused);
  } else if (expired && previous === "running") {
    announce(view.announcer, strings.time_up_note);
  }
  // Running out (or a new snapshot) changes whether the form takes answers.
  if (expired !== (previous === "expired") && current && state && state.step && current.id === state.step.id) updateStep();
}

// ---------------------------------------------------------------------------------------------
// Points (competitive mode): join and sync acks carry the phone's own; broadcasts do not.

let score = null;

/** Whether a quiz question has been revealed since this page opened, or points were earned:
 * before that "0 points (place 1)" would say nothing. */
let scored = false;

function renderScore() {
  if (state && state.leaderboard && typeof state.leaderboard.points === "number") score = state.leaderboard;
  if (state && state.session.revealed && state.step && Array.isArray(state.step.correct)) scored = true;
  if (score && score.points > 0) scored = true;
  const visible = Boolean(state && state.session.competitive && score && scored);
  show(view.score, visible);
  if (visible) {
    view.score.textContent = format(strings.score, {
      points: numbers.format(score.points),
      rank: numbers.format(score.rank),
    });
  }
}
