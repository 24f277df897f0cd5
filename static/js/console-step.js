// What the leader console shows of the current step (console.js): its kind, prompt, text,
// options with the right ones marked, what the kind says about itself (`overview`, kinds.js),
// the explanation, and the leader's notes; and the room's standings (leaderboard, quiz summary).
import { el, ownLang, paragraphs, replace } from "./dom.js";
import { kindOf } from "./kinds.js";
import { isCorrect, leaderboardItems, renderExplanation, summaryList } from "./results.js";

/** The nodes describing `step` for the leader. */
export function stepOverview(step, strings, locale) {
  const lang = step.lang || locale;
  const parts = [
    el("p", { class: "kind", text: strings.kinds[step.kind] || step.kind }),
    el("h3", { class: "current-prompt", lang, text: step.prompt || "" }),
  ];
  if (step.body) {
    const body = paragraphs(step.body);
    body.setAttribute("lang", lang);
    parts.push(body);
  }
  if (Array.isArray(step.options) && step.options.length) {
    parts.push(
      el(
        "ol",
        { class: "option-list", lang },
        step.options.map((option) =>
          el(
            "li",
            {},
            el("span", { lang: ownLang(option, step), text: option.text }),
            isCorrect(step, option) ? el("strong", { class: "correct-mark", lang: locale, text: ` ✓ ${strings.correct}` }) : null,
          ),
        ),
      ),
    );
    if (step.multiple) parts.push(el("p", { class: "hint", text: strings.multiple_hint }));
  }
  const kind = kindOf(step.kind);
  if (kind.overview) parts.push(...kind.overview(step, strings, { lang, locale }));
  if (!step.answerable && !kind.passive) {
    parts.push(el("p", { class: "muted", text: strings.nothing_to_answer }));
  }
  parts.push(renderExplanation(step, strings, "h4"));
  return parts;
}

/** The leader's notes of `step`, or null. */
export function leaderNotes(step, strings, locale) {
  if (!step.leader_notes) return null;
  const notes = paragraphs(step.leader_notes);
  notes.setAttribute("lang", step.lang || locale);
  return el(
    "aside",
    { class: "leader-notes", "aria-labelledby": "notes-heading" },
    el("h3", { id: "notes-heading", text: strings.notes_heading }),
    notes,
  );
}

/** Competitive mode: the leaderboard of snapshot `state` in `view.leaderboard`. */
export function leaderboard(view, state, strings, locale) {
  const board = state.session.competitive && Array.isArray(state.leaderboard) ? state.leaderboard : null;
  view.leaderboardPanel.hidden = !board;
  if (!board) return;
  if (!board.length) {
    replace(view.leaderboard, el("li", { class: "muted no-marker", text: strings.no_points }));
    return;
  }
  replace(view.leaderboard, leaderboardItems(board, strings, locale));
}

/** Quiz parts: what the group knew most and least about, in `view.summary`. */
export function quizSummary(view, state, strings, locale) {
  // Not in the lobby: nothing has been answered yet.
  const summary = state.session.status === "lobby" ? null : state.quiz_summary;
  view.summaryPanel.hidden = !summary;
  if (!summary) return;
  replace(view.summary, summaryList(summary, strings, locale));
}
