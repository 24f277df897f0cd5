// A word cloud: a few words on one line, several per person, each sent on its own; the words
// sized by how often they were sent, and the same as a list in words.
import { el, format, plural } from "../dom.js";
import { buildTextForm, renderOwnContributions } from "../contribute.js";
import { resultsBox } from "../results.js";
import { textsGroupAnswer } from "./open.js";

function buildWordForm(page, current, step) {
  const { strings } = page;
  const max = step.max_length || 40;
  const { form, field } = buildTextForm(page, current, step, {
    id: "words",
    multiline: false,
    max,
    label: strings.your_words_label,
    hint: strings.words_hint,
    formClass: "word-form",
    onText: (text) => page.send(step, text),
  });
  current.form = form;
  current.field = field;
  current.contribution = { max, multiline: false, words: true };
  return form;
}

/** How many size steps the word cloud has (CSS classes cloud-size-1 … cloud-size-5). */
const CLOUD_SIZES = 5;

/**
 * A word cloud: the words' sizes follow their counts (relative to the most frequent). The cloud
 * is hidden from screen readers; an ordered list says the same in words ("framtid – 5"), visible
 * or visually hidden (`wordList`). Strings: `contributions`, `word_count`, `words_list`,
 * `no_words`, `more`.
 */
function wordResults(step, results, strings, { lang, limit, wordList }) {
  const box = resultsBox();
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

export default {
  form: buildWordForm,
  own: (page, current, step) => renderOwnContributions(page, current, step),
  results: wordResults,
  overview: (step, strings) => [el("p", { class: "hint", text: format(strings.wordcloud_hint, { max: step.max_length }) })],
  groupAnswer: textsGroupAnswer,
};
