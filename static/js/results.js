// Results of a step (docs/protocol.md, "Results by kind") as text first: every bar carries its
// number and percentage in words, so colour and length are never the only carriers. Each kind
// draws its own (`results` of static/js/kinds/<kind>.js); the bars of counted choices, the quiz's
// explanation, the leaderboard and the quiz summary are shared here.
import { el, format, paragraphs, plural } from "./dom.js";
import { kindOf } from "./kinds.js";

/**
 * An element showing `envelope` ({step, kind, responses, results}) for `step`, or null when
 * there is nothing to show (or the step's kind draws no results). Strings used: `respondents`,
 * `votes`, `share`, `mean`, `contributions`, `no_answers`, `your_choice`, and the kind's own.
 * `mine` is the viewer's own answer, if any. Open contributions: `own` is a Set of the viewer's
 * own contribution ids, `extra(contribution)` may return an element to add to each (the phone's
 * upvote button); `headingLevel` is the level of theme and section headings.
 */
export function renderResults(step, envelope, strings, options = {}) {
  const results = envelope && envelope.results;
  if (!step || !results || typeof results !== "object") return null;
  const kind = kindOf(step.kind);
  if (!kind.results) return null;
  const { mine = null, lang = "sv", limit = 0, wordList = "hidden", headingLevel = "h4", own = null, extra = null } = options;
  return kind.results(step, results, strings, { mine, lang, limit, wordList, headingLevel, own, extra });
}

/** The element every kind's results go into. */
export function resultsBox(...classes) {
  return el("div", { class: ["results", ...classes].join(" ") });
}

/**
 * Counted choices (`{respondents, counts, mean?, correct_share?}`: poll, quiz, scale): one bar
 * per option or number with its votes and share in words, the right answers marked once
 * revealed, the viewer's own choice, the mean when there is one.
 */
export function barResults(step, results, strings, { mine, lang }) {
  const box = resultsBox();
  const respondents = Number(results.respondents || 0);
  if (!results.counts || typeof results.counts !== "object") return null;
  box.append(el("p", { class: "results-summary respondents", text: plural(strings.respondents, respondents) }));
  const rows = rowsFor(step, results.counts);
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  if (typeof results.correct_share === "number" && respondents) {
    box.append(
      el("p", { class: "results-summary correct-share", text: format(strings.correct_share, { percent: percent.format(results.correct_share) }) }),
    );
  }
  const chosen = new Set(Array.isArray(mine) ? mine.map(String) : mine === null ? [] : [String(mine)]);
  box.append(
    el(
      "ul",
      { class: rows.length > 5 ? "bars bars-many" : "bars" },
      rows.map((row) => {
        const share = respondents ? row.count / respondents : 0;
        const fill = el("span", { class: "bar-fill" });
        // The bar's length is the share of respondents, as the text next to it says.
        fill.style.width = `${Math.round(share * 100)}%`;
        return el(
          "li",
          { class: row.correct ? "bar-row bar-correct" : "bar-row" },
          el(
            "span",
            { class: "bar-label" },
            el("span", { lang: row.lang || (row.contentLang ? step.lang : null), text: row.label }),
            row.correct ? el("span", { class: "correct-mark", text: ` ✓ ${strings.correct}` }) : null,
            chosen.has(row.id) ? el("span", { class: "mine", text: ` ${strings.your_choice}` }) : null,
          ),
          el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
          el("span", {
            class: "bar-value",
            text: format(strings.share, {
              votes: plural(strings.votes, row.count),
              percent: percent.format(share),
            }),
          }),
        );
      }),
    ),
  );
  if (typeof results.mean === "number") {
    const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    box.append(el("p", { class: "results-mean", text: format(strings.mean, { mean: number.format(results.mean) }) }));
  }
  return box;
}

/** One row per option (poll, quiz) or per number (scale), in the step's order. */
function rowsFor(step, counts) {
  if (Array.isArray(step.options) && step.options.length) {
    return step.options.map((option) => ({
      id: String(option.id),
      label: option.text,
      contentLang: true,
      lang: option.lang || null,
      correct: isCorrect(step, option),
      count: Number(counts[option.id] || 0),
    }));
  }
  return Object.keys(counts)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => {
      let label = key;
      let contentLang = false;
      if (Number(key) === step.min && step.min_label) {
        label = `${key} – ${step.min_label}`;
        contentLang = true;
      } else if (Number(key) === step.max && step.max_label) {
        label = `${key} – ${step.max_label}`;
        contentLang = true;
      }
      return { id: key, label, contentLang, correct: false, count: Number(counts[key] || 0) };
    });
}

/** Whether `option` is a right answer: quiz steps name them in `correct` once revealed. */
export function isCorrect(step, option) {
  if (option.correct === true) return true;
  return Array.isArray(step.correct) && step.correct.map(String).includes(String(option.id));
}

/**
 * A quiz question's explanation and source after reveal, or null. Strings: `explanation`,
 * `source`.
 */
export function renderExplanation(step, strings, headingLevel = "h3") {
  if (!step || (!step.explanation && !step.source)) return null;
  const box = el("div", { class: "explanation" });
  if (step.explanation) {
    const text = paragraphs(step.explanation);
    if (step.lang) text.setAttribute("lang", step.lang);
    box.append(el(headingLevel, { text: strings.explanation }), text);
  }
  if (step.source && step.source.title) {
    const label = step.source.year ? `${step.source.title} (${step.source.year})` : step.source.title;
    const [before, after] = String(strings.source).split("{source}");
    const name = /^https?:\/\//.test(step.source.url || "")
      ? el("a", { href: step.source.url, rel: "noopener", target: "_blank", text: label })
      : el("span", { text: label });
    box.append(el("p", { class: "source" }, before || "", name, after || ""));
  }
  return box;
}

/**
 * The leaderboard (competitive mode, `[{rank, name, points}]`) as list items; ties share a
 * rank. Strings: `rank`, `points` ({one, other}).
 */
export function leaderboardItems(board, strings, lang = "sv") {
  const numbers = new Intl.NumberFormat(lang);
  return board.map((entry) =>
    el(
      "li",
      { class: "leaderboard-row" },
      el("span", { class: "leaderboard-rank", text: format(strings.rank, { rank: numbers.format(entry.rank) }) }),
      el("span", { class: "leaderboard-name", text: entry.name }),
      el("span", { class: "leaderboard-points", text: plural(strings.points, entry.points, { n: numbers.format(entry.points) }) }),
    ),
  );
}

/**
 * What the group knew most and least about (`quiz_summary`), as a description list. Strings:
 * `most_known`, `least_known`, `average`, `summary_share`, `no_quiz_answers`.
 */
export function summaryList(summary, strings, lang = "sv") {
  if (summary.average_share === null || summary.average_share === undefined) {
    return el("p", { class: "muted", text: strings.no_quiz_answers });
  }
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const shareOf = (stepId) => {
    const question = summary.questions && summary.questions[stepId];
    return question && typeof question.correct_share === "number"
      ? format(strings.summary_share, { percent: percent.format(question.correct_share) })
      : null;
  };
  const row = (term, prompt, detail) =>
    el(
      "div",
      { class: "summary-row" },
      el("dt", { text: term }),
      el(
        "dd",
        {},
        prompt ? el("span", { class: "summary-prompt", text: prompt }) : null,
        detail ? el("span", { class: "summary-share", text: detail }) : null,
      ),
    );
  return el(
    "dl",
    { class: "summary" },
    row(strings.most_known, summary.most_known_prompt, shareOf(summary.most_known)),
    row(strings.least_known, summary.least_known_prompt, shareOf(summary.least_known)),
    row(strings.average, null, format(strings.summary_share, { percent: percent.format(summary.average_share) })),
  );
}
