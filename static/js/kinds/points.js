// "Fördela 100 poäng": each participant distributes a budget of points over the options. The
// phone has a number field with − and + buttons per option and says, politely and live, how
// many points are left; results are bars of the total points per option with the mean.
import { el, format, announce } from "../dom.js";
import { legend, submitButton } from "../phone-step.js";
import { resultsBox } from "../results.js";
import { blankOptions, optionText } from "../choice.js";

/** Points a − or + button moves. */
const STEP = 5;

function budgetOf(step) {
  return Number(step.budget) || 100;
}

function sum(values) {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

function buildPointsForm(page, current, step) {
  const { strings } = page;
  const budget = budgetOf(step);
  const hintId = `points-hint-${step.id}`;
  const left = el("p", page.ui(step, { class: "points-left", id: `points-left-${step.id}`, "aria-live": "polite" }));
  const inputs = new Map();

  function values() {
    const out = {};
    for (const [id, input] of inputs) {
      const n = Number.parseInt(input.value, 10);
      out[id] = Number.isFinite(n) && n > 0 ? n : 0;
    }
    return out;
  }

  function sayLeft() {
    const rest = budget - sum(values());
    const text = rest >= 0 ? format(strings.points_left, { left: rest, budget }) : format(strings.points_over, { over: -rest });
    announce(left, text);
    left.dataset.left = String(rest);
  }

  function setPoints(input, n) {
    input.value = String(Math.max(0, Math.min(budget, n)));
    current.dirty = true;
    sayLeft();
  }

  const rows = (step.options || []).map((option) => {
    const inputId = `points-${step.id}-${option.id}`;
    const input = el("input", {
      type: "number",
      id: inputId,
      name: option.id,
      min: "0",
      max: String(budget),
      step: "1",
      inputmode: "numeric",
      value: "0",
      class: "points-input",
      "aria-describedby": `${hintId} points-left-${step.id}`,
    });
    inputs.set(String(option.id), input);
    const fewer = el("button", {
      type: "button",
      class: "button points-fewer",
      "aria-label": format(strings.points_fewer, { option: option.text }),
      text: "−",
      onclick: () => setPoints(input, (Number.parseInt(input.value, 10) || 0) - STEP),
    });
    const more = el("button", {
      type: "button",
      class: "button points-more",
      "aria-label": format(strings.points_more, { option: option.text }),
      text: "+",
      onclick: () => setPoints(input, (Number.parseInt(input.value, 10) || 0) + Math.min(STEP, Math.max(budget - sum(values()), 0))),
    });
    current.controls.push(input, fewer, more);
    // The kind's own layout (no shared stylesheet knows it): the option's name on its own
    // line, then − field +, large enough to hit with a thumb.
    input.style.width = "4.5em";
    input.style.fontSize = "1.25em";
    input.style.textAlign = "center";
    const controls = el("span", { class: "points-controls" }, fewer, input, more);
    Object.assign(controls.style, { display: "flex", gap: "0.5em", alignItems: "center" });
    const label = el("label", { for: inputId, class: "points-label", lang: option.lang && option.lang !== step.lang ? option.lang : null, text: option.text });
    label.style.display = "block";
    const row = el("div", { class: "points-row" }, label, controls);
    row.style.margin = "0 0 1em";
    return row;
  });

  const form = el(
    "form",
    { class: "answer-form points-form", novalidate: true },
    el(
      "fieldset",
      { class: "points" },
      legend(step),
      el("p", page.ui(step, { class: "hint", id: hintId, text: format(strings.points_hint, { budget }) })),
      rows,
      left,
    ),
    submitButton(page, current, step, strings.send_answer),
  );
  form.addEventListener("input", () => {
    current.dirty = true;
    sayLeft();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = values();
    if (sum(chosen) !== budget) {
      page.showAlert(format(strings.points_not_all, { budget }));
      return;
    }
    page.send(step, chosen);
  });
  current.form = form;
  current.setPoints = (answer) => {
    for (const [id, input] of inputs) input.value = String((answer && answer[id]) || 0);
    sayLeft();
  };
  sayLeft();
  return form;
}

function answerText(step, answer, strings) {
  return (step.options || [])
    .filter((o) => answer && o.id in answer)
    .map((o) => format(strings.points_answer, { option: o.text, points: answer[o.id] }))
    .join(", ");
}

function ownPoints(page, current, step, { mine, waiting }) {
  const { strings } = page;
  const answers = waiting.filter((entry) => entry.event === "answer");
  const latest = answers.length ? answers[answers.length - 1].value : mine;
  if (current.form && !current.dirty && latest && current.setPoints) current.setPoints(latest);
  if (!mine || typeof mine !== "object") {
    current.own.replaceChildren();
    return;
  }
  current.own.replaceChildren(
    ...[
      el("p", page.ui(step, { class: "own-answer" }), format(strings.your_answer, { answer: answerText(step, mine, strings) })),
      page.isOpen() ? el("p", page.ui(step, { class: "hint", text: strings.change_hint })) : null,
    ].filter(Boolean),
  );
}

/** Bars of the total points per option, most first; each says its total and mean in words. */
function pointsResults(step, results, strings, { lang }) {
  if (!results || typeof results.totals !== "object") return null;
  const box = resultsBox("points-results");
  const respondents = Number(results.respondents || 0);
  const budget = Number(results.budget) || budgetOf(step);
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  box.append(el("p", { class: "results-summary respondents", text: format(strings.points_respondents, { n: respondents }) }));
  const order = Array.isArray(results.order) ? results.order : Object.keys(results.totals);
  const all = respondents * budget;
  box.append(
    el(
      "ul",
      { class: "bars" },
      order.map((id) => {
        const total = Number(results.totals[id] || 0);
        const mean = results.means && typeof results.means[id] === "number" ? results.means[id] : 0;
        const fill = el("span", { class: "bar-fill" });
        // The bar's length is the option's share of every point given.
        fill.style.width = `${all ? Math.round((total / all) * 100) : 0}%`;
        return el(
          "li",
          { class: "bar-row" },
          el("span", { class: "bar-label" }, el("span", { text: optionText(step, id) })),
          el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
          el("span", { class: "bar-value", text: format(strings.points_result, { total: number.format(total), mean: number.format(mean) }) }),
        );
      }),
    ),
  );
  return box;
}

export default {
  form: buildPointsForm,
  own: ownPoints,
  results: pointsResults,
  overview(step, strings) {
    return [el("p", { class: "hint", text: format(strings.points_budget, { budget: budgetOf(step) }) })];
  },
  screen(step) {
    return [];
  },
  groupAnswer(step, answer, { strings }) {
    return answer && typeof answer === "object" ? el("span", { text: answerText(step, answer, strings) }) : null;
  },
  blank(step) {
    blankOptions(step);
    step.budget = 100;
  },
  fields(step, path, { doc, strings, numberField, itemList, setAt }) {
    return [
      itemList(step, path, "options"),
      numberField({
        path: [...path, "budget"],
        label: strings.points_budget_field,
        value: step.budget ?? 100,
        min: 1,
        max: 1000,
        onValue: (n) => setAt(doc, [...path, "budget"], n),
      }),
    ];
  },
};
