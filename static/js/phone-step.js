// The step on a phone: its heading, text and answer form by kind, built from the `step` of a
// participant snapshot (docs/protocol.md). The phone view (participant.js) shows it live; the
// module editor's preview shows the very same, with a page context that sends nothing.
//
// `page`, the context the forms work with (contribute.js takes the same): {strings, locale,
// numbers, ui, isOpen, showAlert, send(step, value), queue(step, fields), own(stepId),
// waiting(stepId), voted(stepId), proposals(stepId), refreshOwn(), focusField()}.
import { announce, el, format, ownLang, paragraphs } from "./dom.js";
import { buildStatementsForm, buildTextForm } from "./contribute.js";

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

  const build = step.answerable ? FORMS[step.kind] : null;
  if (step.body) parts.push(paragraphs(step.body));
  if (build) {
    current.closedNote = el("p", ui(step, { class: "note", hidden: true, text: strings.closed }));
    current.own = el("div", ui(step, { class: "own" }));
    parts.push(current.closedNote, build(page, current, step), current.own);
  } else if (step.kind !== "info") {
    // A kind this page cannot answer yet: the prompt only.
    parts.push(el("p", ui(step, { class: "muted", text: strings.nothing_to_answer })));
  }
  if (step.answerable) {
    current.results = el("section", ui(step, { class: "results-box", "aria-labelledby": "results-heading", hidden: true }));
  }
  return { current, heading, parts };
}

function submitButton(page, current, step, text) {
  const button = el("button", page.ui(step, { type: "submit", class: "button button-big", text }));
  current.controls.push(button);
  return button;
}

/** A choice group's name: the step's prompt, in a real `<legend>` (every checker and screen
 * reader knows it), hidden because the heading above shows the same words. */
function legend(step) {
  return el("legend", { class: "visually-hidden", text: step.prompt || "" });
}

function buildChoiceForm(page, current, step) {
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

/** Open prompts: several contributions per person, each sent on its own. */
function buildOpenForm(page, current, step) {
  const { strings } = page;
  const { form, field } = buildTextForm(page, current, step, {
    id: "contribution",
    multiline: true,
    max: step.max_length || 500,
    label: strings.your_contribution,
    hint: strings.several,
    onText: (text) => page.send(step, text),
  });
  current.form = form;
  current.field = field;
  return form;
}

/** A word cloud: a few words on one line, several contributions, each sent on its own. */
function buildWordForm(page, current, step) {
  const { strings } = page;
  const { form, field } = buildTextForm(page, current, step, {
    id: "words",
    multiline: false,
    max: step.max_length || 40,
    label: strings.your_words_label,
    hint: strings.words_hint,
    formClass: "word-form",
    onText: (text) => page.send(step, text),
  });
  current.form = form;
  current.field = field;
  return form;
}

/**
 * A ranking. It starts unranked: the options wait in a pool, in the order this participant is
 * shown them (`step.presented`, shuffled per participant by the server), and are tapped in
 * order of preference into the ranked list; there each can be moved up or down or put back.
 * It is sent only when every option is placed. Buttons only, so the keyboard and screen
 * readers work as fingers do; every change is announced in a polite live region.
 */
function buildRankForm(page, current, step) {
  const { strings } = page;
  const options = step.options || [];
  const byId = new Map(options.map((option) => [String(option.id), option]));
  // An empty `presented`: the participant's order is still on its way (no options yet).
  const presented = Array.isArray(step.presented) && step.presented.every((id) => byId.has(String(id))) ? step.presented.map(String) : [...byId.keys()];
  const hintId = "rank-hint";
  const live = el("p", page.ui(step, { class: "visually-hidden", id: "rank-live", "aria-live": "polite" }));
  const list = el("ol", { class: "rank-list", "aria-labelledby": "rank-ranked-heading" });
  const empty = el("p", page.ui(step, { class: "muted rank-empty", text: strings.rank_empty }));
  const pool = el("ul", { class: "rank-pool", "aria-labelledby": "rank-pool-heading" });
  const poolHeading = el("h3", page.ui(step, { class: "rank-heading", id: "rank-pool-heading" }));
  const poolBox = el("div", { class: "rank-pool-box" }, poolHeading, pool);
  const rank = { order: [], items: new Map(), presented };

  for (const id of presented) {
    const option = byId.get(id);
    const button = (text, label, icon) =>
      el("button", page.ui(step, { type: "button", class: "button button-secondary rank-move", "aria-label": format(label, { option: option.text }) }), el("span", { "aria-hidden": "true", text: icon }), text);
    const place = el(
      "button",
      page.ui(step, { type: "button", class: "button button-secondary rank-pick", "aria-label": format(strings.rank_pick_label, { option: option.text }) }),
      el("span", { class: "rank-pick-icon", "aria-hidden": "true", text: "+" }),
      el("span", { lang: ownLang(option, step), text: option.text }),
    );
    const up = button(strings.move_up, strings.move_up_label, "↑ ");
    const down = button(strings.move_down, strings.move_down_label, "↓ ");
    const back = button(strings.rank_unplace, strings.rank_unplace_label, "✕ ");
    const position = el("span", { class: "rank-position" });
    const item = el(
      "li",
      { class: "rank-item", "data-id": id },
      el("span", { class: "rank-text" }, position, el("span", { class: "rank-option", lang: ownLang(option, step), text: option.text })),
      el("span", { class: "rank-buttons" }, up, down, back),
    );
    const waiting = el("li", { class: "rank-waiting", "data-id": id }, place);
    place.addEventListener("click", () => pick(id));
    up.addEventListener("click", () => move(id, -1, up, down));
    down.addEventListener("click", () => move(id, 1, down, up));
    back.addEventListener("click", () => unplace(id));
    rank.items.set(id, { item, waiting, place, up, down, back, position, text: option.text });
    current.controls.push(place);
  }

  /** Show `rank.order` ranked and the rest waiting, in the presented order; enable what can act. */
  function layout() {
    const open = page.isOpen();
    const count = rank.order.length;
    arrange(list, rank.order.map((id) => rank.items.get(id).item));
    rank.order.forEach((id, index) => {
      const entry = rank.items.get(id);
      entry.position.textContent = `${page.numbers.format(index + 1)}.`;
      entry.up.disabled = !open || index === 0;
      entry.down.disabled = !open || index === count - 1;
      entry.back.disabled = !open;
    });
    const left = rank.presented.filter((id) => !rank.order.includes(id));
    arrange(pool, left.map((id) => rank.items.get(id).waiting));
    for (const id of left) rank.items.get(id).place.disabled = !open;
    poolHeading.textContent = format(strings.rank_left, { n: page.numbers.format(left.length) });
    poolBox.hidden = !left.length;
    empty.hidden = count > 0;
  }

  function changed(message, focus) {
    current.dirty = true;
    layout();
    if (focus) focus.focus();
    announce(live, message);
  }

  function pick(id) {
    if (!page.isOpen() || rank.order.includes(id)) return;
    rank.order.push(id);
    const entry = rank.items.get(id);
    // The focus goes on to the next option waiting, or to the ranked item when none is left.
    const next = rank.presented.find((other) => !rank.order.includes(other));
    changed(
      format(strings.rank_moved, { option: entry.text, position: page.numbers.format(rank.order.length), count: page.numbers.format(rank.presented.length) }),
      next ? rank.items.get(next).place : entry.up.disabled ? entry.back : entry.up,
    );
  }

  function unplace(id) {
    if (!page.isOpen()) return;
    rank.order = rank.order.filter((other) => other !== id);
    const entry = rank.items.get(id);
    changed(format(strings.rank_unplaced, { option: entry.text }), entry.place);
  }

  function move(id, delta, button, other) {
    const from = rank.order.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= rank.order.length || !page.isOpen()) return;
    rank.order.splice(from, 1);
    rank.order.splice(to, 0, id);
    current.dirty = true;
    layout();
    // Moving the item in the document may drop focus: keep it on the item's buttons.
    (button.disabled ? other : button).focus();
    const entry = rank.items.get(id);
    announce(live, format(strings.rank_moved, { option: entry.text, position: page.numbers.format(to + 1), count: page.numbers.format(rank.order.length) }));
  }

  /** Show `order` (the participant's own, acknowledged or waiting) unless they are reordering. */
  rank.set = (order) => {
    if (!Array.isArray(order)) return;
    const ids = order.map(String);
    if (ids.length !== rank.presented.length || !ids.every((id) => rank.items.has(id))) return;
    rank.order = ids;
    layout();
  };

  layout();
  const form = el(
    "form",
    { class: "answer-form rank-form", novalidate: true },
    el("p", page.ui(step, { class: "hint", id: hintId, text: strings.rank_hint })),
    poolBox,
    el("h3", page.ui(step, { class: "rank-heading", id: "rank-ranked-heading", text: strings.rank_ranked })),
    empty,
    list,
    live,
    submitButton(page, current, step, strings.send_ranking),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!rank.presented.length) return;
    if (rank.order.length !== rank.presented.length) {
      page.showAlert(strings.rank_incomplete);
      return;
    }
    page.send(step, rank.order.slice());
  });
  current.form = form;
  current.rank = rank;
  current.refresh = layout;
  return form;
}

/** Put `nodes` into `container` in order, moving only what is out of place (a node that
 * stays keeps the keyboard focus). */
function arrange(container, nodes) {
  nodes.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** The answer forms by step kind; kinds without one show their prompt only. */
const FORMS = {
  poll: buildChoiceForm,
  quiz: buildChoiceForm,
  scale: buildScaleForm,
  open: buildOpenForm,
  rank: buildRankForm,
  wordcloud: buildWordForm,
  statements: buildStatementsForm, // agree, disagree or pass on each; and one's own to propose
};
