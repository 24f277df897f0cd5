// A scale: one number from `min` to `max`, its ends optionally named; counts as bars with the mean.
import { el, format } from "../dom.js";
import { legend, submitButton } from "../phone-step.js";
import { barResults } from "../results.js";
import { choiceGroupAnswer, ownChoice } from "../choice.js";

function buildScaleForm(page, current, step) {
  const { strings } = page;
  const hintId = "scale-hint";
  const choices = [];
  for (let n = step.min; n <= step.max; n += 1) {
    const input = el("input", { type: "radio", name: "choice", value: String(n) });
    current.controls.push(input);
    let extra = null;
    if (n === step.min && step.min_label) extra = step.min_label;
    if (n === step.max && step.max_label) extra = step.max_label;
    choices.push(
      el(
        "label",
        { class: "scale-choice" },
        input,
        el("span", { class: "scale-number", text: String(n) }),
        extra ? el("span", { class: "visually-hidden", text: ` – ${extra}` }) : null,
      ),
    );
  }
  const ends =
    step.min_label || step.max_label
      ? el(
          "div",
          { class: "scale-ends", "aria-hidden": "true" },
          el("span", { text: step.min_label ? `${step.min} – ${step.min_label}` : "" }),
          el("span", { text: step.max_label ? `${step.max} – ${step.max_label}` : "" }),
        )
      : null;
  const form = el(
    "form",
    { class: "answer-form", novalidate: true },
    el(
      "fieldset",
      { class: "scale", "aria-describedby": hintId },
      legend(step),
      el("p", page.ui(step, { class: "hint", id: hintId, text: format(strings.scale_hint, { min: step.min, max: step.max }) })),
      el("div", { class: "scale-row" }, choices),
      ends,
    ),
    submitButton(page, current, step, strings.send_answer),
  );
  form.addEventListener("change", () => {
    current.dirty = true;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const picked = form.querySelector("input:checked");
    if (!picked) {
      page.showAlert(strings.choose_first);
      return;
    }
    page.send(step, Number(picked.value));
  });
  current.form = form;
  return form;
}

export default {
  form: buildScaleForm,
  own: ownChoice,
  results: barResults,
  groupAnswer: choiceGroupAnswer,
  overview(step, strings, { lang }) {
    const parts = [el("p", { class: "hint", text: format(strings.scale_range, { min: step.min, max: step.max }) })];
    if (step.min_label || step.max_label) {
      parts.push(el("p", { class: "hint", lang }, `${step.min} – ${step.min_label || ""}; ${step.max} – ${step.max_label || ""}`));
    }
    return parts;
  },
  screen(step) {
    return [
      el(
        "p",
        { class: "screen-scale" },
        el("span", { class: "scale-end" }, el("strong", { text: String(step.min) }), step.min_label ? ` ${step.min_label}` : ""),
        el("span", { class: "scale-dots", "aria-hidden": "true", text: "…" }),
        el("span", { class: "scale-end" }, el("strong", { text: String(step.max) }), step.max_label ? ` ${step.max_label}` : ""),
      ),
    ];
  },
  blank(step) {
    Object.assign(step, { min: 1, max: 5 });
  },
  fields(step, path, { doc, strings, options, multilingual, numberField, setAt }) {
    const o = options();
    return [
      numberField({ path: [...path, "min"], label: strings.scale_min, value: step.min, min: 0, max: 10, onValue: (n) => setAt(doc, [...path, "min"], n) }),
      numberField({ path: [...path, "max"], label: strings.scale_max, value: step.max, min: 1, max: 10, onValue: (n) => setAt(doc, [...path, "max"], n) }),
      multilingual(doc, [...path, "min_label"], strings.min_label, { ...o, optional: true }),
      multilingual(doc, [...path, "max_label"], strings.max_label, { ...o, optional: true }),
    ];
  },
};
