// The step kinds' browser code, loaded by kind name.
//
// THE CONTRACT. Every step kind the browser shows is one ES module, static/js/kinds/<kind>.js,
// named as the step views name the kind (`step.kind`, docs/protocol.md). Adding a kind adds that
// file (and, when it has interface words of its own, templates/kinds/<kind>.html with
// `{% set words = {...} %}`) and edits no shared file: the server lists every file of
// static/js/kinds/ and every kind's words in the page's `step-kinds` data block
// (templates/_step_kinds.html), and `loadKinds()` imports them all when the page starts, so a
// phone that loses the network later still renders any step it is shown. A page without the
// data block (or a kind without a file) shows the kind's steps as prompt only.
//
// A kind module's default export is a plain object; every member is optional:
//   form(page, current, step) → Element
//       The phone's answer form (the phone view and the module editor's preview). `page` is the
//       context described in phone-step.js; the form sets `current.form` (and `current.field`),
//       pushes its inputs onto `current.controls` (disabled while answers are closed), may set
//       `current.refresh()` (called on every update), and answers with page.send(step, value),
//       the value as docs/protocol.md defines it for the kind. No form: the prompt only.
//   own(page, current, step, {mine, waiting}) → void
//       Show the participant's own answer in `current.own` (`mine` the stored answer, `waiting`
//       the outbox entries not yet acknowledged). Default: nothing shown.
//   results(step, results, strings, options) → Element | null
//       The step's results (the envelope's `results`) on the phone, the big screen and the
//       console. `options`: {mine, lang, limit, wordList, headingLevel, own, extra} (results.js).
//   overview(step, strings, {lang, locale}) → Node[]
//       What the leader's console says about the step under its prompt and options (hints).
//   screen(step) → Node[]
//       What the big screen shows under the step's options and statements.
//   groupAnswer(step, answer, {strings, numbers, optionText}) → Element | null
//       One group's answer in words on the console's group table (null: the default text).
//   liveResults: false
//       The room sees the results only when the leader reveals them (default: as they grow).
//   presented: true
//       The options come in each participant's own order (`step.presented`, join and sync
//       snapshots only); the phone asks for it before drawing them.
//   blank(step, {year}) → void
//       Fill a new step's own keys in the module editor ("Add step"); `prompt` is already {}.
//   fields(step, path, tools) → Node[]
//       The editor's fields for the kind's own keys, after the prompt and time limit. `tools`:
//       {doc, strings, options, multilingual, numberField, textField, checkbox, itemList, getAt,
//       setAt} (editor.js, editor-fields.js).
// The kind's words (its template's `words`) are merged into every page's `strings` by
// `withKindWords(strings)`; prefix their keys with the kind's name, page words win on a clash.
import { readJson } from "./dom.js";

const listed = readJson("step-kinds");
const names = Array.isArray(listed.names) ? listed.names : [];
const words = listed.words && typeof listed.words === "object" ? listed.words : {};
const loaded = new Map();
const NONE = Object.freeze({});
let all = null;

/** The names of the kinds this page has browser code for. */
export function kindNames() {
  return names.slice();
}

/** Import one kind's module (once; later calls share the same promise). Resolves to the kind,
 * or to an empty kind when it cannot be loaded (the page then shows the prompt only). */
export function loadKind(name) {
  if (!names.includes(name)) return Promise.resolve(NONE);
  if (!loaded.has(name)) {
    const url = new URL(`./kinds/${name}.js`, import.meta.url);
    loaded.set(
      name,
      import(url.href).then(
        (module) => {
          const kind = module.default || NONE;
          loaded.set(name, Promise.resolve(kind));
          ready.set(name, kind);
          return kind;
        },
        (error) => {
          console.error(`step kind ${name} could not be loaded`, error);
          return NONE;
        },
      ),
    );
  }
  return loaded.get(name);
}

const ready = new Map();

/** Import every listed kind; pages await this before they draw their first step. */
export function loadKinds() {
  if (!all) all = Promise.all(names.map(loadKind)).then(() => undefined);
  return all;
}

/** A loaded kind's module object (an empty one for a kind not loaded or without a file). */
export function kindOf(name) {
  return ready.get(name) || NONE;
}

/** `strings` with every kind's own words added (the page's own words win). */
export function withKindWords(strings) {
  return Object.assign({}, ...Object.values(words), strings);
}
