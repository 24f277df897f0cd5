// The step on a phone: its heading, text and answer form by kind, built from the `step` of a
// participant snapshot (docs/protocol.md). The phone view (participant.js) shows it live; the
// module editor's preview shows the very same, with a page context that sends nothing.
//
// `page`, the context the forms work with (contribute.js takes the same): {strings, locale,
// numbers, ui, isOpen, showAlert, send(step, value), queue(step, fields), own(stepId),
// waiting(stepId), voted(stepId), proposals(stepId), refreshOwn(), focusField()}.
//
// Each kind's form is its own (`form` of static/js/kinds/<kind>.js, see kinds.js); the parts
// every form uses (the submit button, the group's legend) are here.
import { el, paragraphs } from "./dom.js";
import { kindOf } from "./kinds.js";

/** The `ui` of a page in `locale`: attributes for interface text inside the step container,
 * whose `lang` is the step's (the page's own language where the step is in another). */
export function uiAttributes(locale) {
  return (step, attributes = {}) => (step.lang && step.lang !== locale ? { ...attributes, lang: locale } : attributes);
}

/**
 * Build `step`: its heading (`#step-prompt`), text and answer form. Returns `current`, the
 * record of the step on screen ({id, step, form, field, controls, own, closedNote, results,
 * dirty, ...}; the dialogue tools add what is being edited or confirmed), the `heading`, and
 * `parts`, the nodes of the step container in order (`current.results` goes after it).
 */
export function buildPhoneStep(page, step) {
  const { strings, ui } = page;
  const heading = el("h2", { id: "step-prompt", tabindex: "-1", text: step.prompt || "" });
  const parts = [heading];
  const current = {
    id: step.id,
    step,
    form: null,
    field: null,
    controls: [],
    own: null,
    closedNote: null,
    results: null,
    dirty: false,
    refresh: null,
    editing: null,
    editor: null,
    confirming: null,
    ownSignature: null,
    upvotes: null,
  };

  const kind = kindOf(step.kind);
  const build = step.answerable && kind.form ? kind.form : null;
  if (step.body) parts.push(paragraphs(step.body));
  if (build) {
    current.closedNote = el("p", ui(step, { class: "note", hidden: true, text: strings.closed }));
    current.own = el("div", ui(step, { class: "own" }));
    parts.push(current.closedNote, build(page, current, step), current.own);
  } else if (!kind.passive) {
    // A kind this page cannot answer yet: the prompt only.
    parts.push(el("p", ui(step, { class: "muted", text: strings.nothing_to_answer })));
  }
  if (step.answerable) {
    current.results = el("section", ui(step, { class: "results-box", "aria-labelledby": "results-heading", hidden: true }));
  }
  return { current, heading, parts };
}

/** The form's submit button, disabled with the other controls while answers are closed. */
export function submitButton(page, current, step, text) {
  const button = el("button", page.ui(step, { type: "submit", class: "button button-big", text }));
  current.controls.push(button);
  return button;
}

/** A choice group's name: the step's prompt, in a real `<legend>` (every checker and screen
 * reader knows it), hidden because the heading above shows the same words. */
export function legend(step) {
  return el("legend", { class: "visually-hidden", text: step.prompt || "" });
}

