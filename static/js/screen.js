// The big screen, /sessions/<id>/screen: no controls, very large type. Follows the session
// (`screen`), shows the join code, the current step, how many have answered and, once the
// leader reveals them, the results — updated live by `tally`. Open contributions are the room's
// own and show all along, most upvoted first; polls, scales, word clouds, rankings and
// statements grow live too unless the leader hides live results. Whatever is shown fits the
// projector (fit.js): scaled down, or a long wall shown a page at a time.
import { el, format, ownLang, paragraphs, plural, readJson, replace, show } from "./dom.js";
import { paginate, showItems, shrinkToFit } from "./fit.js";
import { connect, request, RETRY_DELAY } from "./live.js";
import { leaderboardItems, renderExplanation, renderResults, summaryList } from "./results.js";
import { kindOf, loadKinds, withKindWords } from "./kinds.js";
import { Countdown, renderCountdown } from "./timer.js";

const strings = withKindWords(readJson("strings"));
await loadKinds();
const { session: sessionId } = readJson("config");
const locale = document.documentElement.lang || "sv";

/** How many open contributions are shown at most (a page at a time); the most upvoted. */
const WALL_LIMIT = 30;
/** The smallest a step is scaled to fit (of its designed size); a wall of many items is paged
 * rather than scaled below WALL_ZOOM, which is also the scale its pages are laid out at. */
const MIN_ZOOM = 0.6;
const WALL_ZOOM = 0.8;
/** How long each page of a wall stays (milliseconds). */
const PAGE_TURN_MS = 10_000;
/** The items a long wall is paged by: contributions, statements (before and after reveal). */
const WALL_ITEMS = [
  ".contribution-list > li",
  ".divided-list > li",
  ".statement-bars > li",
  ".screen-statements > li",
  ".word-list:not(.visually-hidden) > li",
].join(", ");
const WALL_GROUPS = ".theme-group, .divided, .screen-statements, .statement-bars, .contribution-list";

const $ = (id) => document.getElementById(id);
const view = {
  screen: $("screen"),
  lobby: $("screen-lobby"),
  lobbyTitle: $("lobby-title"),
  lobbyCount: $("lobby-count"),
  step: $("screen-step"),
  counter: $("screen-counter"),
  content: $("screen-step-content"),
  answered: $("screen-answered"),
  results: $("screen-results"),
  explanation: $("screen-explanation"),
  ended: $("screen-ended"),
  corner: $("corner-join"),
  timer: $("timer"),
  timerLabel: $("timer-label"),
  timerValue: $("timer-value"),
  timerState: $("timer-state"),
  leaderboard: $("screen-leaderboard"),
  leaderboardList: $("screen-leaderboard-list"),
  summary: $("screen-summary"),
  summaryContent: $("screen-summary-content"),
  page: $("screen-page"),
};

let state = null;
let renderedStepId;

const socket = connect({ indicator: $("connection"), strings, onConnect: follow });
socket.on("screen_state", render);
socket.on("tally", applyTally);

async function follow() {
  const ack = await request(socket, "screen", { session: sessionId });
  if (!ack || !ack.ok) {
    window.setTimeout(follow, RETRY_DELAY);
    return;
  }
  render(ack.state);
}

function render(snapshot) {
  const { session } = snapshot;
  // The big screen's words are in the session's language: when the leader changes it, the
  // page is drawn again by the server in the new one.
  if (session.locale && session.locale !== locale) {
    window.location.reload();
    return;
  }
  state = snapshot;
  view.screen.dataset.status = session.status;
  view.screen.dataset.step = snapshot.step_id || "";
  view.screen.dataset.revealed = String(Boolean(session.revealed));
  if (session.title) {
    view.lobbyTitle.textContent = session.title;
    document.title = `${session.title} – facilitate`;
  }
  const running = session.status === "running" && snapshot.step;
  show(view.lobby, session.status === "lobby");
  show(view.step, Boolean(running));
  show(view.ended, session.status === "ended");
  show(view.corner, Boolean(running));
  if (running) {
    view.counter.textContent =
      session.step_index !== null && session.step_index !== undefined
        ? format(strings.step_counter, { index: session.step_index + 1, count: session.step_count })
        : "";
    // A reveal changes the step too (a quiz gains its right answer and explanation), and so
    // does an approved proposal (a statement more).
    const statements = snapshot.step && Array.isArray(snapshot.step.statements) ? snapshot.step.statements.map((st) => st.id).join(",") : "";
    const key = `${snapshot.step_id}|${session.revealed}|${statements}`;
    if (renderedStepId !== key) {
      renderedStepId = key;
      renderStep(snapshot.step);
    }
  } else {
    renderedStepId = undefined;
  }
  countdown.update(running ? session : null);
  renderCounts();
  renderResultsBox();
  renderLeaderboard();
  renderSummary();
  fit();
}

// The countdown: large, in words and numbers (never a colour or a shrinking ring only).
const countdown = new Countdown(({ state: timerState, seconds }) => {
  view.timer.hidden = timerState === "none";
  const parts = { box: view.timer, label: view.timerLabel, value: view.timerValue, state: view.timerState };
  renderCountdown(parts, strings, locale, timerState, seconds);
});

/** Competitive mode: the top names after a reveal and at the end (the server decides when). */
function renderLeaderboard() {
  const board = state.session.competitive && Array.isArray(state.leaderboard) && state.leaderboard.length ? state.leaderboard : null;
  view.leaderboard.hidden = !board;
  view.screen.classList.toggle("with-leaderboard", Boolean(board));
  replace(view.leaderboardList, board ? leaderboardItems(board, strings, locale) : []);
}

/** At the end: what the group knew most and least about. */
function renderSummary() {
  const summary = state.session.status === "ended" ? state.quiz_summary : null;
  view.summary.hidden = !summary;
  view.screen.classList.toggle("with-summary", Boolean(summary));
  replace(view.summaryContent, summary ? summaryList(summary, strings, locale) : []);
}

function applyTally(tally) {
  if (!state || tally.step_id !== state.step_id) return;
  state.participant_count = tally.participant_count;
  state.answered_count = tally.answered_count;
  // Results come along once revealed, and for open contributions all along.
  if (state.session.revealed || tally.results) state.results = tally.results;
  renderCounts();
  renderResultsBox();
  fit();
}

/** The same text in the screen's second language (a bilingual screen), or null. */
function secondText(second, text) {
  if (!second || !text || second.text === text) return null;
  return el("span", { class: "second-language", lang: second.lang, text: second.text });
}

function renderStep(step) {
  const lang = step.lang || locale;
  view.step.setAttribute("lang", lang);
  // A bilingual screen: the step again in the second language, line by line under the first.
  const other = state.second && state.second.step && state.second.step.id === step.id ? state.second.step : null;
  const otherLang = other ? other.lang || state.second.locale : null;
  const twin = (text, otherText) => (other ? secondText({ text: otherText, lang: otherLang }, text) : null);
  const parts = [
    el("h1", { class: "screen-prompt", id: "screen-prompt" }, el("span", { text: step.prompt || "" }), twin(step.prompt, other && other.prompt)),
  ];
  if (step.body) parts.push(paragraphs(step.body, "prose screen-body"));
  if (other && other.body && other.body !== step.body) {
    const body = paragraphs(other.body, "prose screen-body second-language");
    body.setAttribute("lang", otherLang);
    parts.push(body);
  }
  if (Array.isArray(step.options) && step.options.length) {
    const otherOptions = new Map(((other && other.options) || []).map((option) => [option.id, option.text]));
    parts.push(
      el(
        "ol",
        { class: "screen-options" },
        step.options.map((option) => el("li", {}, el("span", { lang: ownLang(option, step), text: option.text }), twin(option.text, otherOptions.get(option.id)))),
      ),
    );
  }
  if (Array.isArray(step.statements) && step.statements.length) {
    parts.push(
      el("ol", { class: "screen-options screen-statements" }, step.statements.map((statement) => el("li", { lang: statement.lang || null, text: statement.text }))),
    );
  }
  const kind = kindOf(step.kind);
  if (kind.screen) parts.push(...kind.screen(step));
  replace(view.content, parts);
  replace(view.explanation, renderExplanation(step, strings, "h2"));
}

function renderCounts() {
  const count = state.participant_count ?? 0;
  view.lobbyCount.textContent = plural(strings.participants, count);
  const { step, session } = state;
  if (session.status === "running" && step && step.answerable) {
    replace(
      view.answered,
      el("span", { text: format(strings.answered, { answered: state.answered_count ?? 0, total: count }) }),
      session.open ? null : el("span", { class: "screen-closed", text: strings.closed }),
    );
  } else {
    replace(view.answered);
  }
}

function renderResultsBox() {
  const { step, session } = state;
  const box =
    session.status === "running" && step && step.answerable && state.results
      ? renderResults(step, state.results, strings, { lang: locale, limit: WALL_LIMIT, headingLevel: "h2" })
      : null;
  view.step.classList.toggle("is-revealed", Boolean(box));
  replace(view.results, box);
}

// ---------------------------------------------------------------------------------------------
// Fitting the projector. Run after every change of what is shown, and when the window changes.

/** The wall's page shown now, by step (the pages turn every PAGE_TURN_MS). */
const paging = { step: null, index: 0, timer: null };

function fit() {
  if (!state) return;
  const running = !view.step.hidden;
  if (!running) {
    // The lobby and the end (thanks, leaderboard, summary): the whole screen scales.
    stopPaging();
    view.step.style.zoom = "";
    view.leaderboard.style.zoom = "";
    shrinkToFit(view.screen, 0.5);
    return;
  }
  view.screen.style.zoom = "";
  // The column beside the step (the way in, the leaderboard) fits on its own.
  if (!view.leaderboard.hidden) {
    view.step.style.zoom = "0.1";
    shrinkToFit(view.leaderboard, 0.5);
  }
  const items = [...view.step.querySelectorAll(WALL_ITEMS)];
  const groups = [...view.step.querySelectorAll(WALL_GROUPS)];
  const show = (visible) => {
    showItems(items, visible, groups);
    // A section heading goes with its list: no heading left alone at the foot of a page.
    for (const heading of view.step.querySelectorAll(".statements-heading")) {
      heading.hidden = Boolean(heading.nextElementSibling && heading.nextElementSibling.hidden);
    }
  };
  show(new Set(items));
  view.page.hidden = true;
  if (shrinkToFit(view.step, items.length < 2 ? MIN_ZOOM : WALL_ZOOM) !== null || items.length < 2) {
    stopPaging();
    return;
  }
  // A wall too long for one screen: a page at a time, each page fitting.
  view.step.style.zoom = String(WALL_ZOOM);
  view.page.hidden = false;
  view.page.textContent = format(strings.page, { page: 99, pages: 99 }); // room for the note
  const pages = paginate(items, show);
  if (paging.step !== state.step_id) {
    paging.step = state.step_id;
    paging.index = 0;
  }
  paging.index %= pages.length;
  show(new Set(pages[paging.index]));
  view.page.textContent = format(strings.page, { page: paging.index + 1, pages: pages.length });
  // A last item taller than the screen on its own is scaled down further.
  shrinkToFit(view.step, Math.min(WALL_ZOOM, MIN_ZOOM));
  if (!paging.timer) {
    paging.timer = window.setInterval(() => {
      paging.index += 1;
      fit();
    }, PAGE_TURN_MS);
  }
}

function stopPaging() {
  view.page.hidden = true;
  if (paging.timer) window.clearInterval(paging.timer);
  paging.timer = null;
}

window.addEventListener("resize", fit);
