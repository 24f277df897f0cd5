// The leader console, /sessions/<id>: follows the session (`host`), shows the current step with
// leader notes, who has answered and live results, and sends `control` actions; for dialogue
// steps also moderation, proposed statements and (team mode) each group's answer.
import { announce, el, format, plural, readJson, replace, show } from "./dom.js";
import { connect, request, RETRY_DELAY } from "./live.js";
import { ModerationPanel, renderGroups, renderProposals } from "./moderation.js";
import { renderResults } from "./results.js";
import { kindOf, loadKinds, withKindWords } from "./kinds.js";
import { Countdown, renderCountdown } from "./timer.js";
import { settingsPanel } from "./console-settings.js";
import { leaderboard, leaderNotes, quizSummary, stepOverview } from "./console-step.js";

const strings = withKindWords(readJson("strings"));
await loadKinds();
const { session: sessionId, vocabulary } = readJson("config");
const locale = document.documentElement.lang || "sv";
const numbers = new Intl.NumberFormat(locale);

/** The choices offered for the quiz timer (seconds; null: none) and for extra time. */

const $ = (id) => document.getElementById(id);
const view = {
  title: $("session-title"),
  facts: $("session-facts"),
  error: $("control-error"),
  step: $("current-step"),
  answered: $("answered"),
  results: $("live-results"),
  notes: $("notes"),
  count: $("participant-count"),
  participants: $("participants"),
  steps: $("steps"),
  timerBox: $("timer-box"),
  timer: $("timer"),
  timerLabel: $("timer-label"),
  timerValue: $("timer-value"),
  timerState: $("timer-state"),
  settingsForm: $("settings-form"),
  settingsStatus: $("settings-status"),
  settingsError: $("settings-error"),
  leaderboardPanel: $("leaderboard-panel"),
  leaderboard: $("leaderboard"),
  summaryPanel: $("summary-panel"),
  summary: $("summary"),
  moderationPanel: $("moderation-panel"),
  moderationStatus: $("moderation-status"),
  moderationError: $("moderation-error"),
  proposalsPanel: $("proposals-panel"),
  proposalsHeading: $("proposals-heading"),
  proposalList: $("proposal-list"),
  proposalsStatus: $("proposals-status"),
  proposalsError: $("proposals-error"),
  groupsPanel: $("groups-panel"),
  groupsBody: $("groups-body"),
  behalfLink: $("behalf-link-box"),
};
const timerButtons = Object.fromEntries(
  [...document.querySelectorAll("[data-timer]")].map((button) => [button.dataset.timer, button]),
);
const buttons = Object.fromEntries(
  [...document.querySelectorAll("[data-action]")].map((button) => [button.dataset.action, button]),
);

let state = null;
let renderedStepId; // undefined until the first snapshot
let stepItems = null; // the step list, built once

const socket = connect({ indicator: $("connection"), strings, onConnect: follow });
socket.on("host_state", render);
socket.on("tally", applyTally);

/** Follow the session on this connection (again after every reconnect). */
async function follow() {
  const ack = await request(socket, "host", { session: sessionId });
  if (!ack) {
    window.setTimeout(follow, RETRY_DELAY);
    return;
  }
  if (!ack.ok) {
    showError(ack.message);
    return;
  }
  showError("");
  render(ack.state);
}

// ---------------------------------------------------------------------------------------------
// Controls.

for (const [action, button] of Object.entries(buttons)) {
  button.addEventListener("click", () => control(action));
}

for (const [action, button] of Object.entries(timerButtons)) {
  button.addEventListener("click", () =>
    control(action, null, button.dataset.seconds ? Number(button.dataset.seconds) : null),
  );
}

async function control(action, step, seconds) {
  if (action === "end" && !window.confirm(strings.confirm_end)) return;
  showError("");
  const focused = document.activeElement;
  const payload = { session: sessionId, action };
  if (step) payload.step = step;
  if (seconds) payload.seconds = seconds;
  const ack = await request(socket, "control", payload);
  if (!ack) {
    showError(strings.no_reply);
    return;
  }
  if (!ack.ok) {
    showError(ack.message);
    return;
  }
  render(ack.state);
  keepFocus(focused);
}

/** A control that was just used may now be hidden or disabled: move focus somewhere sensible. */
function keepFocus(previous) {
  if (!previous || !(previous instanceof HTMLElement)) return;
  if (!previous.hidden && !previous.disabled && !previous.closest("[hidden]") && document.contains(previous)) return;
  const counterpart = { open: "close", close: "open", start: "next" }[previous.dataset.action];
  const timerCounterpart = { pause_timer: "resume_timer", resume_timer: "pause_timer" }[previous.dataset.timer];
  const target = [timerButtons[timerCounterpart], buttons[counterpart], buttons.next, buttons.previous].find(
    (button) => button && !button.hidden && !button.disabled && !button.closest("[hidden]"),
  );
  if (target) target.focus();
}

function showError(message) {
  view.error.textContent = message || "";
}

// ---------------------------------------------------------------------------------------------
// Snapshots and tallies.

function render(snapshot) {
  state = snapshot;
  const { session } = snapshot;
  if (session.title) {
    view.title.textContent = session.title;
    document.title = `${session.title} – facilitate`;
  }
  countdown.update(session);
  document.dispatchEvent(new CustomEvent("session-status", { detail: session.status }));
  renderFacts();
  renderControls();
  renderSettings();
  renderLeaderboard();
  renderSummary();
  renderSteps();
  // Approved proposals join a statements step: its list of statements changes too.
  const stepKey = `${snapshot.step_id}|${snapshot.step && Array.isArray(snapshot.step.statements) ? snapshot.step.statements.map((st) => st.id).join(",") : ""}`;
  if (renderedStepId !== stepKey) {
    renderedStepId = stepKey;
    renderStep();
  }
  renderCounts();
  renderResultsBox();
  renderDialogue();
  show(view.behalfLink, session.status !== "ended");
}

function applyTally(tally) {
  if (!state || tally.step_id !== state.step_id) return; // a new snapshot is on its way
  Object.assign(state, {
    participant_count: tally.participant_count,
    answered_count: tally.answered_count,
    results: tally.results,
  });
  if (Array.isArray(tally.participants)) state.participants = tally.participants;
  // The leader's tally has these whenever they apply to the step; absent, they do not.
  state.moderation = tally.moderation;
  state.proposals = tally.proposals;
  state.groups = tally.groups;
  renderCounts();
  renderResultsBox();
  renderDialogue();
}

function renderFacts() {
  const { session } = state;
  const facts = [strings[`status_${session.status}`] || session.status];
  if (session.status === "running" && session.step_index !== null && session.step_index !== undefined) {
    facts.push(format(strings.step_counter, { index: session.step_index + 1, count: session.step_count }));
    if (state.step && state.step.answerable) {
      facts.push(session.open && !countdown.expired ? strings.answers_open : strings.answers_closed);
      // A kind shows its results to the room as they grow unless it waits for the reveal
      // (quiz) or the leader hides them.
      const live = kindOf(state.step.kind).liveResults !== false && !session.hide_live_results;
      facts.push(session.revealed ? strings.results_shown : live ? strings.results_live : strings.results_hidden);
    }
  }
  if (session.competitive) facts.push(strings.fact_competitive);
  if (session.competitive && session.speed_bonus) facts.push(strings.fact_speed_bonus);
  if (session.team_mode) facts.push(strings.fact_team_mode);
  if (session.timer_seconds) facts.push(format(strings.fact_timer, { seconds: numbers.format(session.timer_seconds) }));
  if (session.extra_time && session.extra_time !== 1) {
    facts.push(format(strings.fact_extra_time, { factor: numbers.format(session.extra_time) }));
  }
  replace(view.facts, facts.map((text) => el("li", { text })));
}

function renderControls() {
  const { session } = state;
  const running = session.status === "running";
  const answerable = Boolean(state.step && state.step.answerable);
  const index = session.step_index ?? -1;
  show(buttons.start, session.status === "lobby");
  buttons.start.disabled = session.status !== "lobby";
  buttons.previous.disabled = !running || index <= 0;
  buttons.next.disabled = !running || index >= session.step_count - 1;
  show(buttons.open, running && answerable && !session.open);
  show(buttons.close, running && answerable && session.open);
  buttons.reveal.disabled = !running || !answerable || session.revealed;
  buttons.end.disabled = session.status === "ended";
}

function renderSteps() {
  const steps = state.steps || [];
  if (!stepItems || stepItems.length !== steps.length) {
    stepItems = steps.map((step, i) => {
      const button = el("button", {
        type: "button",
        class: "button button-small button-secondary",
        "aria-label": `${format(strings.goto_label, { index: i + 1 })}: ${step.prompt || ""}`,
        text: strings.goto,
        onclick: () => control("goto", step.id),
      });
      const marker = el("span", { class: "current-marker", text: strings.shown_now, hidden: true });
      const item = el(
        "li",
        { class: "step-item" },
        el(
          "span",
          { class: "step-item-text" },
          el("span", { class: "kind", text: strings.kinds[step.kind] || step.kind }),
          " ",
          el("span", { class: "step-number", text: `${i + 1}.` }),
          el("span", { class: "step-item-prompt", text: step.prompt || step.id }),
          " ",
          marker,
        ),
        button,
      );
      return { id: step.id, item, button, marker };
    });
    replace(view.steps, stepItems.map((entry) => entry.item));
  }
  const running = state.session.status === "running";
  for (const entry of stepItems) {
    const isCurrent = entry.id === state.step_id;
    if (isCurrent && entry.item.getAttribute("aria-current") !== "step") scrollIntoList(entry.item);
    if (isCurrent) entry.item.setAttribute("aria-current", "step");
    else entry.item.removeAttribute("aria-current");
    entry.marker.hidden = !isCurrent;
    entry.button.disabled = !running || isCurrent;
  }
}

/** Keep the current step visible inside the scrolling step list (without scrolling the page). */
function scrollIntoList(item) {
  const list = view.steps;
  const top = item.offsetTop;
  const bottom = top + item.offsetHeight;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
}

function renderStep() {
  const { step } = state;
  replace(view.step, step ? stepOverview(step, strings, locale) : el("p", { class: "muted", text: strings.no_step }));
  replace(view.notes, step ? leaderNotes(step, strings, locale) : null);
}

function renderCounts() {
  const people = state.participants || [];
  const answerable = Boolean(state.step && state.step.answerable);
  view.count.textContent = plural(strings.participants, state.participant_count ?? people.length);
  view.answered.textContent =
    answerable && state.session.status === "running"
      ? format(strings.answered, { answered: state.answered_count, total: state.participant_count })
      : "";
  if (!people.length) {
    replace(view.participants, el("li", { class: "muted", text: strings.no_participants }));
    return;
  }
  replace(
    view.participants,
    people.map((person) => {
      // Numbered within the session ("Deltagare 3": the third to join), not by database id.
      const name = person.name || format(strings.participant_fallback, { id: person.number ?? person.id });
      const status = answerable
        ? el(
            "span",
            { class: person.answered ? "answered-mark yes" : "answered-mark no" },
            el("span", { "aria-hidden": "true", class: "mark-icon", text: person.answered ? "✓" : "–" }),
            " ",
            person.answered ? strings.has_answered : strings.not_answered,
          )
        : null;
      return el(
        "li",
        { class: "participant-row" },
        el("span", { class: "participant-name" }, name, person.proxy ? el("span", { class: "proxy-mark", text: ` ${strings.proxy_mark}` }) : null),
        " ",
        status,
      );
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Dialogue tools: moderation of contributions, proposed statements, answers per group.

const moderationPanel = new ModerationPanel({
  list: $("moderation-list"),
  datalist: $("theme-list"),
  strings,
  locale,
  vocabulary,
  send: (action, contribution, fields) => decide(view.moderationStatus, view.moderationError, "moderate", { contribution, action, ...fields }),
});

/** Send a leader decision (`moderate`, `proposal`); true when it went through. */
async function decide(status, error, event, fields) {
  error.textContent = "";
  announce(status, "");
  const ack = await request(socket, event, { session: sessionId, ...fields });
  if (!ack || !ack.ok) {
    error.textContent = ack ? ack.message : strings.no_reply;
    return false;
  }
  render(ack.state);
  announce(status, strings.saved);
  return true;
}

function renderDialogue() {
  const moderation = Array.isArray(state.moderation) ? state.moderation : null;
  view.moderationPanel.hidden = !moderation;
  if (moderation) moderationPanel.render(moderation, state.step_id);

  const proposals = Array.isArray(state.proposals) ? state.proposals : null;
  view.proposalsPanel.hidden = !proposals;
  if (proposals) {
    renderProposals(view.proposalList, proposals, strings, {
      decide: (proposal, decision) => decide(view.proposalsStatus, view.proposalsError, "proposal", { proposal, decision }),
      fallback: view.proposalsHeading,
    });
  }

  const groups = Array.isArray(state.groups) && state.step ? state.groups : null;
  view.groupsPanel.hidden = !groups;
  if (groups) renderGroups(view.groupsBody, groups, state.step, strings, locale);
}

function renderResultsBox() {
  const box = state.step && state.step.answerable ? renderResults(state.step, state.results, strings, { lang: locale, wordList: "visible" }) : null;
  if (!box) {
    view.results.hidden = true;
    replace(view.results);
    return;
  }
  replace(view.results, el("h3", { id: "live-results-heading", text: strings.live_results }), box);
  view.results.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// The timer of the current step: the countdown and its controls.

const countdown = new Countdown(showTimer);

function showTimer({ state: timerState, seconds, previous }) {
  view.timerBox.hidden = timerState === "none";
  const parts = { box: view.timer, label: view.timerLabel, value: view.timerValue, state: view.timerState };
  if (!renderCountdown(parts, strings, locale, timerState, seconds)) return;
  const expired = timerState === "expired";
  const paused = timerState === "paused";
  show(timerButtons.pause_timer, !paused);
  show(timerButtons.resume_timer, paused);
  timerButtons.pause_timer.disabled = expired;
  // Running out closes answering: the facts say so without waiting for a snapshot.
  if (state && expired !== (previous === "expired")) renderFacts();
}

// ---------------------------------------------------------------------------------------------
// Settings (console-settings.js): each change is sent at once; the next snapshot shows what holds.

const settings = settingsPanel({ view, strings, numbers, socket, sessionId, state: () => state, render });
const renderSettings = () => settings.render(state.session);

// ---------------------------------------------------------------------------------------------
// Competitive mode: the leaderboard; quiz parts: what the group knew most and least about.

const renderLeaderboard = () => leaderboard(view, state, strings, locale);
const renderSummary = () => quizSummary(view, state, strings, locale);
