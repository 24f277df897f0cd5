// Small DOM helpers shared by the live pages. No user-visible text lives here: every string
// comes from the page's JSON data blocks, rendered by the server in the user's language.

/** The parsed JSON of a `<script type="application/json" id="...">` data block. */
export function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

/** Fill `{name}` placeholders of a translated template: format("{a} av {b}", {a: 1, b: 2}). */
export function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** An item's `lang` (an option falling back to Swedish) when it differs from its step's. */
export function ownLang(item, step) {
  return item && item.lang && item.lang !== step.lang ? item.lang : null;
}

const root = document.documentElement;
const pluralRules = new Intl.PluralRules(root.dataset.plurals || root.lang || "sv");

/**
 * The form of a plural message for `n`, filled in. The server renders every form the page's
 * language has, by CLDR category (`{one, other}` in Swedish, `{one, two, other}` in Northern
 * Sami), and the browser's plural rules for that language choose.
 */
export function plural(forms, n, values = {}) {
  return format(forms[pluralRules.select(n)] ?? forms.other, { n, ...values });
}

/**
 * Build an element: el("button", {class: "button", type: "button", onclick: f}, "Text").
 * `text` sets textContent; `on<event>` adds a listener; booleans set or omit an attribute;
 * null/undefined/false attributes and children are skipped.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "checked" || key === "disabled" || key === "value") node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Replace all children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** Show or hide an element with the `hidden` attribute. */
export function show(node, visible) {
  node.hidden = !visible;
}

/**
 * A text as paragraphs: blank lines separate paragraphs, single line breaks are kept (CSS
 * `white-space: pre-line` on `.prose p`). Text only, never HTML.
 */
export function paragraphs(text, className = "prose") {
  const box = el("div", { class: className });
  for (const block of String(text || "").split(/\n\s*\n/)) {
    if (block.trim()) box.append(el("p", { text: block.trim() }));
  }
  return box;
}

/**
 * Put a message into a live region. Setting the same text twice would not be announced again,
 * so the region is emptied first and filled on the next frame.
 */
export function announce(region, message) {
  region.textContent = "";
  if (!message) return;
  window.requestAnimationFrame(() => {
    region.textContent = message;
  });
}
