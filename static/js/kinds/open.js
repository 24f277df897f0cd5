// Open contributions: several per person, each sent, edited or withdrawn on its own; the room's
// contributions live, most upvoted first, under the leader's themes.
import { el, format, plural } from "../dom.js";
import { buildTextForm, renderOwnContributions } from "../contribute.js";
import { resultsBox } from "../results.js";

/** Several contributions per person, each sent on its own. */
function buildOpenForm(page, current, step) {
  const { strings } = page;
  const max = step.max_length || 500;
  const { form, field } = buildTextForm(page, current, step, {
    id: "contribution",
    multiline: true,
    max,
    label: strings.your_contribution,
    hint: strings.several,
    onText: (text) => page.send(step, text),
  });
  current.form = form;
  current.field = field;
  current.contribution = { max, multiline: true, words: false };
  return form;
}

/**
 * Open contributions (`{respondents, contributions, themes}`), most upvoted first as the server
 * sorts them, under their theme headings when the leader has set themes. Each shows its text, its
 * upvotes and how many near-duplicates were merged into it in words; highlighted ones carry a
 * marker in words too. Strings: `contributions`, `no_answers`, `upvotes`, `merged_count`,
 * `highlighted`, `no_theme`, `more`, `own_mark`.
 */
function contributionResults(step, results, strings, { lang, limit, headingLevel, own, extra }) {
  const box = resultsBox();
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

/** The console's group table: one item per contribution. */
export function textsGroupAnswer(step, answer) {
  return el("ul", { class: "group-answer-list" }, (Array.isArray(answer) ? answer : [answer]).map((text) => el("li", { text: String(text) })));
}

export default {
  form: buildOpenForm,
  own: (page, current, step) => renderOwnContributions(page, current, step),
  results: contributionResults,
  overview: (step, strings) => [el("p", { class: "hint", text: format(strings.open_hint, { max: step.max_length }) })],
  groupAnswer: textsGroupAnswer,
};
