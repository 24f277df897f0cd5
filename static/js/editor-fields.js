// Form fields of the module editor, bound to a path in the module document. Every field's id
// is derived from its path ("f-parts-0-steps-2-prompt-sv"), so a problem the server reports
// at a path can be shown at its field.
import { el, format } from "./dom.js";
import { kindOf } from "./kinds.js";

/** The element id of the field at `path` (a list of keys and indexes). */
export function fieldId(path) {
  return "f-" + path.join("-");
}

/** The value at `path` in `root`, or undefined. */
export function getAt(root, path) {
  return path.reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), root);
}

/** Set (or with `undefined`, delete) the value at `path`, making mappings on the way. */
export function setAt(root, path, value) {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** A labelled input or textarea. `onValue` gets the trimmed text ("" when emptied). */
export function textField({ path, label, value, multiline = false, lang = null, onValue, required = false }) {
  const id = fieldId(path);
  const attributes = {
    id,
    name: id,
    lang,
    value: value || "",
    required,
    oninput: (event) => onValue(event.target.value.trim() ? event.target.value : ""),
  };
  const input = multiline ? el("textarea", { ...attributes, rows: 3 }) : el("input", { ...attributes, type: "text" });
  return el("div", { class: "field" }, el("label", { for: id, text: label }), input);
}

/** A labelled number input; empty gives `undefined`. */
export function numberField({ path, label, value, min, max, onValue }) {
  const id = fieldId(path);
  const input = el("input", {
    id,
    name: id,
    type: "number",
    inputmode: "numeric",
    min,
    max,
    value: value === undefined || value === null ? "" : String(value),
    oninput: (event) => {
      const raw = event.target.value.trim();
      onValue(raw === "" ? undefined : Number(raw));
    },
  });
  return el("div", { class: "field field-number" }, el("label", { for: id, text: label }), input);
}

/** A checkbox with its label after it. */
export function checkbox({ path, label, checked, onValue }) {
  const id = fieldId(path);
  return el(
    "div",
    { class: "field field-check" },
    el("input", { id, name: id, type: "checkbox", checked: Boolean(checked), onchange: (e) => onValue(e.target.checked) }),
    el("label", { for: id, text: label }),
  );
}

/**
 * The fields of a text in several languages at `path` of `doc`: Swedish always, English and
 * Finnish when translations are shown. An emptied language is removed; an optional text with
 * no language left is removed altogether (a required one stays as an empty mapping, so the
 * server can say that the Swedish text is missing).
 */
export function multilingual(doc, path, label, { strings, translations, multiline = false, optional = false }) {
  const value = getAt(doc, path) || {};
  const languages = translations ? ["sv", "en", "fi"] : ["sv"];
  return languages.map((code) =>
    textField({
      path: [...path, code],
      label: code === "sv" ? label : format(strings.in_language, { field: label, language: strings["lang_" + code] }),
      value: value[code],
      multiline,
      lang: code,
      required: code === "sv" && !optional,
      onValue: (text) => {
        const current = { ...(getAt(doc, path) || {}) };
        if (text) current[code] = text;
        else delete current[code];
        setAt(doc, path, optional && Object.keys(current).length === 0 ? undefined : current);
      },
    }),
  );
}

/** A fresh id: `base-1`, `base-2`, ... not in `taken`. */
export function freshId(base, taken) {
  let n = 1;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

/** The next unused option id: a, b, c, ... then o-27, o-28, ... */
export function nextOptionId(items) {
  const taken = new Set(items.map((item) => item.id));
  for (const letter of "abcdefghijklmnopqrstuvwxyz") if (!taken.has(letter)) return letter;
  return freshId("o", taken);
}

/** A new step of `kind` with the keys its kind needs (`blank` of static/js/kinds/<kind>.js),
 * texts empty for the leader to write. */
export function newStep(kind, id, year) {
  const step = { id, kind, prompt: {} };
  const own = kindOf(kind);
  if (own.blank) own.blank(step, { year });
  return step;
}
