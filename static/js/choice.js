// What the kinds that pick from a fixed set share (poll, quiz; scale shows its own form but the
// same own answer and bars): the phone's choice form and the participant's own answer.
import { el, format, ownLang } from "./dom.js";
import { legend, submitButton } from "./phone-step.js";

/** One choice (sent as soon as it is tapped) or several (a form with its button). */
export function buildChoiceForm(page, current, step) {
  const { strings } = page;
  const type = step.multiple ? "checkbox" : "radio";
  const hintId = "choice-hint";
  const choices = (step.options || []).map((option) => {
    const input = el("input", { type, name: "choice", value: option.id });
    current.controls.push(input);
    return el("label", { class: "choice" }, input, el("span", { lang: ownLang(option, step), text: option.text }));
  });
  // One choice is sent as soon as it is tapped (and again when changed, while the question is
  // open): a group, not a form, since it has no button to submit it; several choices are a form
  // sent together with its button.
  const form = el(
    step.multiple ? "form" : "div",
    step.multiple ? { class: "answer-form", novalidate: true } : { class: "answer-form one-tap" },
    el(
      "fieldset",
      { class: "choices", "aria-describedby": hintId },
      legend(step),
      el("p", page.ui(step, { class: "hint", id: hintId, text: step.multiple ? strings.choose_many : strings.choose_one_tap })),
      choices,
    ),
    step.multiple ? submitButton(page, current, step, strings.send_answer) : null,
  );
  form.addEventListener("change", (event) => {
    if (step.multiple) {
      current.dirty = true;
      return;
    }
    if (event.target.checked && page.isOpen()) page.send(step, event.target.value);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = [...form.querySelectorAll("input:checked")].map((input) => input.value);
    if (!picked.length) {
      page.showAlert(strings.choose_first);
      return;
    }
    page.send(step, step.multiple ? picked : picked[0]);
  });
  current.form = form;
  return form;
}

/** The text of option `id` of `step` (the id itself when the option is gone). */
export function optionText(step, id) {
  const option = (step.options || []).find((o) => String(o.id) === String(id));
  return option ? option.text : String(id);
}

/** The participant's own choice: the latest answer counts; the form shows the one waiting to be
 * sent, else the stored one, and `current.own` says it in words. */
export function ownChoice(page, current, step, { mine, waiting }) {
  const { strings } = page;
  const answers = waiting.filter((entry) => entry.event === "answer");
  const latest = answers.length ? answers[answers.length - 1].value : mine;
  if (current.form && !current.dirty && latest !== null && latest !== undefined) {
    const chosen = new Set((Array.isArray(latest) ? latest : [latest]).map(String));
    for (const input of current.form.querySelectorAll("input")) input.checked = chosen.has(input.value);
  }
  if (mine === null || mine === undefined) {
    current.own.replaceChildren();
    return;
  }
  const label = Array.isArray(step.options) ? (Array.isArray(mine) ? mine : [mine]).map((id) => optionText(step, id)).join(", ") : String(mine);
  current.own.replaceChildren(
    ...[
      el("p", page.ui(step, { class: "own-answer" }), format(strings.your_answer, { answer: label })),
      page.isOpen() ? el("p", page.ui(step, { class: "hint", text: strings.change_hint })) : null,
    ].filter(Boolean),
  );
}

/** The console's group table: chosen options by their text. */
export function choiceGroupAnswer(step, answer, { numbers }) {
  if (Array.isArray(answer)) return el("span", { text: answer.map((id) => optionText(step, id)).join(", ") });
  if (typeof answer === "number") return el("span", { text: numbers.format(answer) });
  return el("span", { text: Array.isArray(step.options) ? optionText(step, answer) : String(answer) });
}

/** The editor's fields of a choice step: its options and whether several may be chosen. */
export function choiceFields(step, path, tools, { correct = false } = {}) {
  const { strings, checkbox, itemList, setAt, doc } = tools;
  return [
    itemList(step, path, "options", { correct }),
    checkbox({
      path: [...path, "multiple"],
      label: strings.multiple,
      checked: step.multiple,
      onValue: (on) => setAt(doc, [...path, "multiple"], on ? true : undefined),
    }),
  ];
}

/** Two empty options for a new choice step. */
export function blankOptions(step) {
  step.options = [
    { id: "a", text: {} },
    { id: "b", text: {} },
  ];
}
