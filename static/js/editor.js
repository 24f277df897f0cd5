// The module editor: an accessible form over the module document (the same format as the
// files in modules/, every part inline). The server checks and stores it; problems come back
// with their path in the document and are shown at their fields and in a summary on top.
import { announce, el, format, readJson, replace, show } from "./dom.js";
import {
  checkbox,
  fieldId,
  freshId,
  getAt,
  multilingual,
  newStep,
  nextOptionId,
  numberField,
  setAt,
  textField,
} from "./editor-fields.js";
import { kindOf, loadKinds, withKindWords } from "./kinds.js";
import { buildPhoneStep, uiAttributes } from "./phone-step.js";

const strings = withKindWords(readJson("strings"));
const phoneStrings = withKindWords(readJson("phone-strings"));
await loadKinds();
const config = readJson("config");
const doc = readJson("document");
const $ = (id) => document.getElementById(id);
const editor = $("editor");
const status = $("editor-status");
let translations = Object.values(doc.parts || [])
  .flatMap((part) => part.steps || [])
  .some((step) => Object.keys(step.prompt || step.title || {}).some((code) => code !== "sv"));
let dragged = null;

// --- rendering ----------------------------------------------------------------------------

function render(focusId = null) {
  replace(editor, moduleFields(), (doc.parts || []).map(partSection), addPartButton());
  if (focusId && $(focusId)) $(focusId).focus();
}

/** Options of `multilingual` fields: the page's words and whether translations show. */
function options() {
  return { strings, translations };
}

function moduleFields() {
  const kindId = fieldId(["kind"]);
  return el(
    "section",
    { class: "editor-module", "aria-labelledby": "module-heading" },
    el("h2", { id: "module-heading", text: strings.module }),
    checkbox({
      path: ["show-translations"],
      label: strings.translations,
      checked: translations,
      onValue: (on) => {
        translations = on;
        render(fieldId(["show-translations"]));
      },
    }),
    multilingual(doc, ["title"], strings.module_title, options()),
    multilingual(doc, ["description"], strings.module_description, { ...options(), multiline: true }),
    el(
      "div",
      { class: "field" },
      el("label", { for: kindId, text: strings.module_kind }),
      el(
        "select",
        { id: kindId, onchange: (e) => (doc.kind = e.target.value) },
        [
          ["dialogue", strings.kind_dialogue],
          ["study-circle", strings.kind_study_circle],
        ].map(([value, label]) => el("option", { value, text: label, selected: doc.kind === value })),
      ),
    ),
  );
}

function partSection(part, p) {
  const headingId = `part-heading-${p}`;
  const kindId = `new-kind-${p}`;
  return el(
    "section",
    { class: "editor-part", "aria-labelledby": headingId },
    el("h2", { id: headingId, text: format(strings.part, { n: p + 1 }) }),
    multilingual(doc, ["parts", p, "title"], strings.part_title, options()),
    multilingual(doc, ["parts", p, "description"], strings.part_description, { ...options(), multiline: true }),
    multilingual(doc, ["parts", p, "leader_notes"], strings.leader_notes, { ...options(), multiline: true, optional: true }),
    doc.parts.length > 1
      ? el("button", { type: "button", class: "button button-secondary", text: strings.remove_part, onclick: () => removePart(p) })
      : null,
    el("h3", { text: strings.steps }),
    el("ol", { class: "editor-steps", id: `steps-${p}` }, part.steps.map((step, s) => stepItem(step, p, s))),
    el(
      "div",
      { class: "add-step" },
      el("label", { for: kindId, text: strings.new_step_kind }),
      el("select", { id: kindId }, config.kinds.map((kind) => el("option", { value: kind, text: strings.kinds[kind] }))),
      el("button", { type: "button", class: "button", id: `add-step-${p}`, text: strings.add_step, onclick: () => addStep(p, $(kindId).value) }),
    ),
  );
}

function addPartButton() {
  return el("button", { type: "button", class: "button button-secondary", id: "add-part", text: strings.add_part, onclick: addPart });
}

function stepItem(step, p, s) {
  const path = ["parts", p, "steps", s];
  const total = doc.parts[p].steps.length;
  const headingId = `step-heading-${p}-${s}`;
  const label = format(strings.step, { n: s + 1, kind: strings.kinds[step.kind] || step.kind });
  const item = el(
    "li",
    {
      class: "editor-step",
      id: `step-${p}-${s}`,
      "data-part": p,
      "data-index": s,
      "aria-labelledby": headingId,
    },
    el(
      "div",
      { class: "step-bar" },
      el("span", {
        class: "drag-handle",
        id: `handle-${p}-${s}`,
        title: strings.drag,
        "aria-hidden": "true",
        text: "⠿",
        onpointerdown: (event) => {
          event.preventDefault();
          event.target.setPointerCapture(event.pointerId);
          dragged = { p, s };
          item.classList.add("dragging");
        },
        onpointerup: (event) => {
          item.classList.remove("dragging");
          const from = dragged;
          dragged = null;
          const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".editor-step");
          if (!from || !over || Number(over.dataset.part) !== from.p) return;
          move(p, from.s, Number(over.dataset.index), `preview-${p}-${over.dataset.index}`);
        },
        onpointercancel: () => {
          item.classList.remove("dragging");
          dragged = null;
        },
      }),
      el("h4", { id: headingId, text: label }),
      el("button", {
        type: "button",
        class: "button button-secondary",
        id: `up-${p}-${s}`,
        disabled: s === 0,
        "aria-label": `${strings.move_up}: ${label}`,
        text: "↑ " + strings.move_up,
        onclick: () => move(p, s, s - 1, `up-${p}-${s - 1}`),
      }),
      el("button", {
        type: "button",
        class: "button button-secondary",
        id: `down-${p}-${s}`,
        disabled: s === total - 1,
        "aria-label": `${strings.move_down}: ${label}`,
        text: "↓ " + strings.move_down,
        onclick: () => move(p, s, s + 1, `down-${p}-${s + 1}`),
      }),
      el("button", {
        type: "button",
        class: "button button-secondary",
        id: `preview-${p}-${s}`,
        "aria-label": `${strings.preview}: ${label}`,
        text: strings.preview,
        onclick: () => showPreview(p, s),
      }),
      total > 1
        ? el("button", {
            type: "button",
            class: "button button-secondary",
            id: `remove-${p}-${s}`,
            "aria-label": `${strings.remove_step}: ${label}`,
            text: strings.remove_step,
            onclick: () => removeStep(p, s),
          })
        : null,
    ),
    kindFields(step, path),
    multilingual(doc, [...path, "leader_notes"], strings.leader_notes, { ...options(), multiline: true, optional: true }),
    tagFields(step, path),
  );
  return item;
}

/** The fields of a step: its prompt and time limit (unless it has nothing to answer), then the
 * kind's own (`fields` of static/js/kinds/<kind>.js). */
function kindFields(step, path) {
  const o = options();
  const kind = kindOf(step.kind);
  const tools = { doc, strings, options, multilingual, numberField, textField, checkbox, itemList, getAt, setAt };
  const own = kind.fields ? kind.fields(step, path, tools) : [];
  if (kind.passive) return own.flat();
  return [
    multilingual(doc, [...path, "prompt"], strings.prompt, { ...o, multiline: true }),
    numberField({
      path: [...path, "time_limit"],
      label: strings.time_limit,
      value: step.time_limit,
      min: 10,
      max: 3600,
      onValue: (n) => setAt(doc, [...path, "time_limit"], n),
    }),
    ...own,
  ].flat();
}

/** Options (or statements) of a step: text, "correct" when `correct` (quizzes), add and remove. */
function itemList(step, path, key, { correct = false } = {}) {
  const items = step[key];
  const single = key === "options" ? strings.option : strings.statement;
  const listPath = [...path, key];
  return el(
    "fieldset",
    { class: "editor-items", id: fieldId(listPath), tabindex: "-1" },
    el("legend", { text: key === "options" ? strings.options : strings.statements }),
    items.map((item, i) =>
      el(
        "div",
        { class: "editor-item" },
        multilingual(doc, [...listPath, i, "text"], format(single, { n: i + 1 }), options()),
        correct
          ? checkbox({
              path: [...listPath, i, "correct"],
              label: `${strings.correct} (${format(single, { n: i + 1 })})`,
              checked: item.correct,
              onValue: (on) => setAt(doc, [...listPath, i, "correct"], on ? true : undefined),
            })
          : null,
        items.length > 1
          ? el("button", {
              type: "button",
              class: "button button-secondary",
              text: format(key === "options" ? strings.remove_option : strings.remove_statement, { n: i + 1 }),
              onclick: () => {
                items.splice(i, 1);
                render(fieldId(listPath));
              },
            })
          : null,
      ),
    ),
    el("button", {
      type: "button",
      class: "button button-secondary",
      id: `${fieldId(listPath)}-add`,
      text: key === "options" ? strings.add_option : strings.add_statement,
      onclick: () => {
        items.push({ id: nextOptionId(items), text: {} });
        render(fieldId([...listPath, items.length - 1, "text", "sv"]));
      },
    }),
  );
}

function tagFields(step, path) {
  const chosen = new Set(step.tags || []);
  const summary = el("summary", { text: `${strings.tags} (${chosen.size})` });
  return el(
    "details",
    { class: "editor-tags" },
    summary,
    config.tags.map((group) =>
      el(
        "fieldset",
        {},
        el("legend", { text: group.label }),
        group.tags.map((tag) =>
          checkbox({
            path: [...path, "tag", tag.id.replace(/\./g, "_")],
            label: tag.label,
            checked: chosen.has(tag.id),
            onValue: (on) => {
              const tags = new Set(getAt(doc, [...path, "tags"]) || []);
              if (on) tags.add(tag.id);
              else tags.delete(tag.id);
              const ordered = config.tags.flatMap((g) => g.tags.map((t) => t.id)).filter((id) => tags.has(id));
              setAt(doc, [...path, "tags"], ordered.length ? ordered : undefined);
              summary.textContent = `${strings.tags} (${ordered.length})`;
            },
          }),
        ),
      ),
    ),
  );
}

// --- changes ------------------------------------------------------------------------------

function allStepIds() {
  return new Set(doc.parts.flatMap((part) => part.steps.map((step) => step.id)));
}

function addStep(p, kind) {
  const steps = doc.parts[p].steps;
  const step = newStep(kind, freshId(kind, allStepIds()), config.year);
  steps.push(step);
  render(fieldId(["parts", p, "steps", steps.length - 1, "prompt" in step ? "prompt" : "title", "sv"]));
  announce(status, format(strings.added, { position: steps.length }));
}

function removeStep(p, s) {
  doc.parts[p].steps.splice(s, 1);
  const left = doc.parts[p].steps.length;
  render(left ? `up-${p}-${Math.min(s, left - 1)}` : `add-step-${p}`);
  announce(status, strings.removed);
}

function move(p, from, to, focusId) {
  const steps = doc.parts[p].steps;
  if (to < 0 || to >= steps.length || from === to) return;
  const [step] = steps.splice(from, 1);
  steps.splice(to, 0, step);
  render();
  // Focus stays on the pressed button in the step's new place; at either end that button is
  // disabled, so the step's preview button takes it.
  const target = $(focusId);
  (target && !target.disabled ? target : $(`preview-${p}-${to}`)).focus();
  announce(status, format(strings.moved, { position: to + 1, total: steps.length }));
}

function addPart() {
  const taken = new Set(doc.parts.map((part) => part.id));
  const id = freshId("del", taken);
  doc.parts.push({ id, title: {}, description: {}, steps: [newStep("info", freshId("info", allStepIds()), config.year)] });
  render(fieldId(["parts", doc.parts.length - 1, "title", "sv"]));
}

function removePart(p) {
  doc.parts.splice(p, 1);
  render("add-part");
}

// --- the preview ------------------------------------------------------------------------------
// The step as a phone shows it: the server checks the unsaved document as saving would and
// sends the step as a phone gets it (in the page's language); the phone's own step forms draw
// it. Whatever would be sent only says that nothing is.

const locale = document.documentElement.lang || "sv";

function notSent() {
  $("preview-alert").textContent = "";
  announce($("preview-sent"), phoneStrings.not_sent);
}

/** The page context of the phone's step forms (see phone-step.js), answering open and inert. */
const previewPage = {
  strings: phoneStrings,
  locale,
  numbers: new Intl.NumberFormat(locale),
  ui: uiAttributes(locale),
  isOpen: () => true,
  showAlert: (message) => {
    $("preview-alert").textContent = message || "";
  },
  send: notSent,
  queue: notSent,
  own: () => null,
  waiting: () => [],
  voted: () => new Set(),
  proposals: () => [],
  refreshOwn: () => {},
  focusField: () => {},
};

async function fetchPreview(p, s) {
  const response = await fetch(config.preview_url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, Accept: "application/json" },
    body: JSON.stringify({ module: doc, part: p, step: s }),
    credentials: "same-origin",
  });
  return { ok: response.ok, body: await response.json() };
}

async function showPreview(p, s) {
  let answer;
  try {
    answer = await fetchPreview(p, s);
  } catch {
    announce($("save-status"), strings.preview_failed); // offline, or not the editor's answer
    return;
  }
  if (!answer.ok) {
    // The same problems as saving would meet, shown the same way; no stale preview stays.
    show($("preview"), false);
    showProblems(answer.body.message, answer.body.problems || []);
    return;
  }
  clearProblems();
  const { step } = answer.body;
  const { current, parts } = buildPhoneStep(previewPage, step);
  if (current.refresh) current.refresh();
  const container = $("preview-step");
  container.setAttribute("lang", step.lang || locale);
  replace(container, parts);
  $("preview-alert").textContent = "";
  $("preview-sent").textContent = "";
  show($("preview"), true);
  $("preview-heading").focus();
  $("preview-close").onclick = () => {
    show($("preview"), false);
    replace(container);
    $(`preview-${p}-${s}`)?.focus();
  };
}

// --- saving and problems --------------------------------------------------------------------

function clearProblems() {
  for (const node of editor.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  }
  for (const node of editor.querySelectorAll(".field-error")) node.remove();
  show($("error-summary"), false);
}

/** The field a problem's path points at: the path itself, its Swedish text, or the nearest
 * field above it. */
function fieldFor(path) {
  for (let end = path.length; end > 0; end -= 1) {
    const base = path.slice(0, end);
    for (const candidate of [fieldId(base), fieldId([...base, "sv"]), fieldId([...base, "title"])]) {
      const node = document.getElementById(candidate);
      if (node && editor.contains(node)) return node;
    }
  }
  return null;
}

function showProblems(message, problems) {
  clearProblems();
  const summary = $("error-summary");
  const list = el("ul");
  problems.forEach((problem, i) => {
    const field = fieldFor(problem.path);
    const errorId = `problem-${i}`;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      const described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? `${described} ${errorId}` : errorId);
      field.closest(".field, fieldset").append(el("p", { class: "field-error", id: errorId, text: problem.message }));
    }
    const where = field && field.labels && field.labels[0] ? field.labels[0].textContent : problem.location;
    list.append(
      el("li", {}, field ? el("a", { href: `#${field.id}`, text: `${where}: ${problem.message}` }) : `${problem.location}: ${problem.message}`),
    );
  });
  replace(summary, el("h2", { text: message || strings.problems }), list);
  show(summary, true);
  summary.focus();
}

async function save() {
  const button = $("save");
  button.disabled = true;
  announce($("save-status"), strings.saving);
  try {
    const response = await fetch(config.save_url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, Accept: "application/json" },
      body: JSON.stringify({ module: doc }),
      credentials: "same-origin",
    });
    const body = await response.json();
    if (response.ok) {
      clearProblems();
      announce($("save-status"), body.changed ? strings.saved : strings.unchanged);
    } else {
      showProblems(body.message, body.problems || []);
      announce($("save-status"), body.message);
    }
  } catch {
    announce($("save-status"), strings.save_failed);
  } finally {
    button.disabled = false;
  }
}

$("save").addEventListener("click", save);
$("error-summary").addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (link) {
    event.preventDefault();
    document.getElementById(link.getAttribute("href").slice(1))?.focus();
  }
});
render();
