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
import { previewer } from "./editor-preview.js";
import { problemList } from "./editor-problems.js";

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

// --- the preview (editor-preview.js) and problems (editor-problems.js) ---------------------

const { clearProblems, showProblems } = problemList(editor, strings);
const showPreview = previewer({ doc, config, strings, phoneStrings, clearProblems, showProblems });

// --- saving ---------------------------------------------------------------------------------

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
