// Results of a step (docs/protocol.md, "Results by kind") as text first: every bar carries its
// number and percentage in words, so colour and length are never the only carriers.
import { el, format, ownLang, paragraphs, plural } from "./dom.js";

/**
 * An element showing `envelope` ({step, kind, responses, results}) for `step`, or null when
 * there is nothing to show. Strings used: `respondents`, `votes`, `share`, `mean`,
 * `contributions`, `no_answers`, `your_choice`. `mine` is the viewer's own answer, if any.
 * Open contributions: `own` is a Set of the viewer's own contribution ids, `extra(contribution)`
 * may return an element to add to each (the phone's upvote button); `headingLevel` is the level
 * of theme and section headings.
 */
export function renderResults(
  step,
  envelope,
  strings,
  { mine = null, lang = "sv", limit = 0, wordList = "hidden", headingLevel = "h4", own = null, extra = null } = {},
) {
  const results = envelope && envelope.results;
  if (!step || !results || typeof results !== "object") return null;
  const box = el("div", { class: "results" });
  const respondents = Number(results.respondents || 0);

  if (Array.isArray(results.order) && results.scores) {
    return rankResults(box, step, results, strings, { mine, lang });
  }
  if (Array.isArray(results.words)) {
    return wordResults(box, step, results, strings, { lang, limit, wordList });
  }

  if (Array.isArray(results.contributions)) {
    return contributionResults(box, step, results, strings, { lang, limit, headingLevel, own, extra });
  }
  if (Array.isArray(results.statements)) {
    return statementResults(box, step, results, strings, { mine, lang, headingLevel });
  }

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

/**
 * A ranking (Borda count): the options best first, each with its points and average position in
 * words and a bar whose length is the share of the most points an option could get. Strings:
 * `ranked`, `borda_note`, `borda_points`, `average_position`, `rank_value`, `no_answers`.
 */
function rankResults(box, step, results, strings, { mine, lang }) {
  const respondents = Number(results.respondents || 0);
  box.classList.add("rank-results");
  box.append(
    el("p", { class: "results-summary ranked", text: plural(strings.ranked, respondents, { n: new Intl.NumberFormat(lang).format(respondents) }) }),
    el("p", { class: "hint borda-note", text: strings.borda_note }),
  );
  if (!respondents) {
    box.append(el("p", { class: "muted", text: strings.no_answers }));
    return box;
  }
  const options = Array.isArray(step.options) ? step.options : [];
  const most = respondents * Math.max(options.length - 1, 1);
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const own = Array.isArray(mine) ? mine.map(String) : [];
  box.append(
    el(
      "ol",
      { class: results.order.length > 5 ? "bars rank-bars bars-many" : "bars rank-bars" },
      results.order.map((id, index) => {
        const option = options.find((o) => String(o.id) === String(id));
        const points = Number((results.scores || {})[id] || 0);
        const average = results.average_position ? results.average_position[id] : null;
        const fill = el("span", { class: "bar-fill" });
        fill.style.width = `${Math.round((points / most) * 100)}%`;
        const place = own.indexOf(String(id));
        return el(
          "li",
          { class: "bar-row rank-row" },
          el(
            "span",
            { class: "bar-label" },
            el("span", { class: "rank-place", text: `${number.format(index + 1)}.` }),
            " ",
            el("span", { lang: ownLang(option, step) || step.lang || null, text: option ? option.text : String(id) }),
            place >= 0 && strings.your_place
              ? el("span", { class: "mine", text: ` ${format(strings.your_place, { position: number.format(place + 1) })}` })
              : null,
          ),
          el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
          el("span", {
            class: "bar-value",
            text: format(strings.rank_value, {
              points: plural(strings.borda_points, points, { n: number.format(points) }),
              position: typeof average === "number" ? format(strings.average_position, { position: number.format(average) }) : "–",
            }),
          }),
        );
      }),
    ),
  );
  return box;
}

/**
 * Open contributions (`{respondents, contributions, themes}`), most upvoted first as the server
 * sorts them, under their theme headings when the leader has set themes. Each shows its text, its
 * upvotes and how many near-duplicates were merged into it in words; highlighted ones carry a
 * marker in words too. Strings: `contributions`, `no_answers`, `upvotes`, `merged_count`,
 * `highlighted`, `no_theme`, `more`, `own_mark`.
 */
function contributionResults(box, step, results, strings, { lang, limit, headingLevel, own, extra }) {
  const number = new Intl.NumberFormat(lang);
  const all = results.contributions.filter((c) => c && typeof c.text === "string");
  box.classList.add("contribution-results");
  box.append(el("p", { class: "results-summary contributions-count", text: plural(strings.contributions, all.length, { n: number.format(all.length) }) }));
  if (!all.length) {
    box.append(el("p", { class: "muted", text: strings.no_answers }));
    return box;
  }
  const shown = limit > 0 ? all.slice(0, limit) : all;
  const item = (c) => {
    const mine = Boolean(own && own.has(c.id));
    const votes = Number(c.votes) || 0;
    const merged = Number(c.merged) || 0;
    return el(
      "li",
      { class: `contribution${c.highlighted ? " contribution-highlighted" : ""}${mine ? " contribution-own" : ""}`, "data-id": String(c.id) },
      c.highlighted ? el("span", { class: "highlight-mark" }, el("span", { "aria-hidden": "true", text: "★ " }), strings.highlighted) : null,
      el("span", { class: "contribution-text", id: `contribution-${c.id}`, lang: step.lang || null, text: c.text }),
      el(
        "span",
        { class: "contribution-meta" },
        el("span", { class: "contribution-votes", text: plural(strings.upvotes, votes, { n: number.format(votes) }) }),
        merged ? el("span", { class: "contribution-merged", text: plural(strings.merged_count, merged, { n: number.format(merged) }) }) : null,
        mine && strings.own_mark ? el("span", { class: "mine", text: strings.own_mark }) : null,
      ),
      extra ? extra(c, mine) : null,
    );
  };
  const themes = Array.isArray(results.themes) ? results.themes.filter(Boolean) : [];
  if (!themes.length) {
    box.append(el("ol", { class: "contribution-list" }, shown.map(item)));
  } else {
    // One section per theme in the order of first use; contributions without one come last.
    const sections = [...themes, null].map((theme) => ({ theme, items: shown.filter((c) => (c.theme || null) === theme) }));
    for (const { theme, items } of sections) {
      if (!items.length) continue;
      box.append(
        el(
          "section",
          { class: "theme-group" },
          el(headingLevel, { class: "theme-heading", text: theme === null ? strings.no_theme : theme }),
          el("ol", { class: "contribution-list" }, items.map(item)),
        ),
      );
    }
  }
  if (shown.length < all.length) {
    box.append(el("p", { class: "muted", text: format(strings.more, { n: number.format(all.length - shown.length) }) }));
  }
  return box;
}

/** The three reactions to a statement, in the order they are shown. */
export const REACTIONS = ["agree", "disagree", "pass"];

/**
 * Statements (`{respondents, statements, divided}`): per statement a segmented bar (agree,
 * disagree, pass) with the counts and shares in words, "Överens" on the ones the room agrees on,
 * and first a section naming where the room is divided. Statement texts come from the step
 * (`step.statements`). `mine` is the viewer's reactions by statement id. Strings: `respondents`,
 * `agree`, `disagree`, `pass`, `reaction_share`, `divided_heading`, `divided_hint`,
 * `divided_mark`, `agreed_mark`, `all_statements`, `no_answers`, `your_reaction`.
 */
function statementResults(box, step, results, strings, { mine, lang, headingLevel }) {
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const respondents = Number(results.respondents || 0);
  const texts = new Map((Array.isArray(step.statements) ? step.statements : []).map((s) => [String(s.id), s]));
  const rows = results.statements.filter((row) => row && texts.has(String(row.id)));
  const own = mine && typeof mine === "object" && !Array.isArray(mine) ? mine : {};
  box.classList.add("statement-results");
  box.append(el("p", { class: "results-summary respondents", text: plural(strings.respondents, respondents, { n: number.format(respondents) }) }));
  if (!respondents) {
    box.append(el("p", { class: "muted", text: strings.no_answers }));
    return box;
  }

  const statementText = (id) => {
    const statement = texts.get(String(id));
    return el("span", { class: "statement-text", lang: statement.lang || step.lang || null, text: statement.text });
  };
  const shares = (row) => {
    const total = Number(row.total) || 0;
    return REACTIONS.map((reaction) => {
      const count = Number(row[reaction]) || 0;
      return { reaction, count, share: total ? count / total : 0 };
    });
  };
  const summary = (row) =>
    shares(row)
      .map(({ reaction, count, share }) =>
        format(strings.reaction_share, { reaction: strings[reaction], count: number.format(count), percent: percent.format(share) }),
      )
      .join(" · ");

  const divided = (Array.isArray(results.divided) ? results.divided : []).filter((id) => texts.has(String(id)));
  if (divided.length) {
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    box.append(
      el(
        "section",
        { class: "divided" },
        el(headingLevel, { class: "divided-heading", text: strings.divided_heading }),
        el("p", { class: "hint", text: strings.divided_hint }),
        el(
          "ul",
          { class: "divided-list" },
          divided.map((id) =>
            el("li", {}, statementText(id), byId.has(String(id)) ? el("span", { class: "statement-summary", text: summary(byId.get(String(id))) }) : null),
          ),
        ),
      ),
    );
  }

  box.append(
    el(headingLevel, { class: "statements-heading", text: strings.all_statements }),
    el(
      "ul",
      { class: "statement-bars" },
      rows.map((row) => {
        const track = el("span", { class: "stack-track", "aria-hidden": "true" });
        for (const { reaction, share } of shares(row)) {
          if (!share) continue;
          const segment = el("span", { class: `stack-segment stack-${reaction}` });
          // Each segment's length is its share of the reactions, as the text under it says.
          segment.style.width = `${(share * 100).toFixed(2)}%`;
          track.append(segment);
        }
        const reaction = own[row.id];
        return el(
          "li",
          { class: `statement-row${row.divided ? " statement-divided" : ""}${row.agreed ? " statement-agreed" : ""}` },
          el(
            "span",
            { class: "statement-label" },
            statementText(row.id),
            row.agreed ? el("span", { class: "statement-mark mark-agreed", text: strings.agreed_mark }) : null,
            row.divided ? el("span", { class: "statement-mark mark-divided", text: strings.divided_mark }) : null,
          ),
          track,
          el("span", { class: "statement-summary", text: summary(row) }),
          reaction && strings.your_reaction && strings[reaction]
            ? el("span", { class: "mine", text: format(strings.your_reaction, { reaction: strings[reaction] }) })
            : null,
        );
      }),
    ),
  );
  return box;
}

/** How many size steps the word cloud has (CSS classes cloud-size-1 … cloud-size-5). */
const CLOUD_SIZES = 5;

/**
 * A word cloud: the words' sizes follow their counts (relative to the most frequent). The cloud
 * is hidden from screen readers; an ordered list says the same in words ("framtid – 5"), visible
 * or visually hidden (`wordList`). Strings: `contributions`, `word_count`, `words_list`,
 * `no_words`, `more`.
 */
function wordResults(box, step, results, strings, { lang, limit, wordList }) {
  const respondents = Number(results.respondents || 0);
  const number = new Intl.NumberFormat(lang);
  box.classList.add("word-results");
  box.append(el("p", { class: "results-summary contributions-count", text: plural(strings.contributions, respondents, { n: number.format(respondents) }) }));
  const words = results.words.filter((word) => word && word.text);
  if (!words.length) {
    box.append(el("p", { class: "muted", text: strings.no_words }));
    return box;
  }
  const shown = limit > 0 ? words.slice(0, limit) : words;
  const max = Math.max(...shown.map((word) => Number(word.count) || 0), 1);
  // The most frequent words in the middle, the rarer ones alternately before and after them.
  const cloud = [];
  shown.forEach((word, index) => {
    const size = Math.max(1, Math.ceil(((Number(word.count) || 0) / max) * CLOUD_SIZES));
    const node = el("span", { class: `cloud-word cloud-size-${size} cloud-tone-${index % 4}`, text: word.text });
    if (index % 2) cloud.unshift(node);
    else cloud.push(node);
  });
  box.append(
    el("div", { class: "cloud", lang: step.lang || null, "aria-hidden": "true" }, cloud),
    el(
      "ol",
      { class: wordList === "visible" ? "word-list" : "word-list visually-hidden", "aria-label": strings.words_list, lang: step.lang || null },
      shown.map((word) => el("li", { text: format(strings.word_count, { word: word.text, count: number.format(Number(word.count) || 0) }) })),
    ),
  );
  if (shown.length < words.length) {
    box.append(el("p", { class: "muted", text: format(strings.more, { n: words.length - shown.length }) }));
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
