// The editor's preview: a step as a participant's phone shows it (Swedish, the room's first
// language), with the phone view's own classes; every control is disabled and the whole
// preview inert, so nothing can be answered or sent from here.
import { el, paragraphs } from "./dom.js";

const sv = (text) => (text && text.sv) || "";

function choices(step, strings) {
  const type = step.multiple ? "checkbox" : "radio";
  return el(
    "fieldset",
    { class: "choices" },
    el("legend", { class: "visually-hidden", text: sv(step.prompt) }),
    (step.options || []).map((option) =>
      el(
        "label",
        { class: "choice" },
        el("input", { type, name: "preview-choice", disabled: true }),
        el("span", { text: sv(option.text) }),
      ),
    ),
    el("button", { type: "button", class: "button", disabled: true, text: strings.send }),
  );
}

function scale(step, strings) {
  const points = [];
  for (let n = step.min ?? 1; n <= (step.max ?? 5) && points.length < 11; n += 1) points.push(n);
  return el(
    "fieldset",
    { class: "scale" },
    el("legend", { class: "visually-hidden", text: sv(step.prompt) }),
    el(
      "div",
      { class: "scale-points" },
      points.map((n) =>
        el("label", { class: "scale-choice" }, el("input", { type: "radio", name: "preview-scale", disabled: true }), el("span", { text: String(n) })),
      ),
    ),
    el("p", { class: "scale-labels" }, el("span", { text: sv(step.min_label) }), " ", el("span", { text: sv(step.max_label) })),
    el("button", { type: "button", class: "button", disabled: true, text: strings.send }),
  );
}

function text(step, strings, label) {
  return el(
    "div",
    { class: "field" },
    el("label", { for: "preview-text", text: label }),
    step.kind === "open"
      ? el("textarea", { id: "preview-text", rows: 3, disabled: true })
      : el("input", { id: "preview-text", type: "text", disabled: true }),
    el("button", { type: "button", class: "button", disabled: true, text: strings.send }),
  );
}

function statements(step, strings) {
  return el(
    "ol",
    { class: "statement-list" },
    (step.statements || []).map((statement) =>
      el(
        "li",
        { class: "statement" },
        el("p", { text: sv(statement.text) }),
        ["agree", "disagree", "pass"].map((reaction) =>
          el("button", { type: "button", class: "button button-secondary", disabled: true, text: strings[reaction] }),
        ),
      ),
    ),
  );
}

function rank(step) {
  return el("ol", { class: "rank-list" }, (step.options || []).map((option) => el("li", { text: sv(option.text) })));
}

/** The phone view of `step` (a step of the module document), answering disabled. */
export function preview(step, strings) {
  const heading = step.kind === "info" ? sv(step.title) : sv(step.prompt);
  const body = {
    info: () => paragraphs(sv(step.body)),
    quiz: () => choices(step, strings),
    poll: () => choices(step, strings),
    scale: () => scale(step, strings),
    open: () => text(step, strings, strings.your_answer),
    wordcloud: () => text(step, strings, strings.your_word),
    rank: () => rank(step),
    statements: () => statements(step, strings),
  }[step.kind];
  return el(
    "div",
    { class: "participant-page", lang: "sv", inert: true },
    el("p", { class: "preview-note", text: strings.answering_off }),
    el("h3", { class: "step-heading", text: heading }),
    body ? body() : null,
  );
}
