// The module editor's preview (editor.js): the step as a phone shows it. The server checks the
// unsaved document as saving would and sends the step as a phone gets it (in the page's
// language); the phone's own step forms draw it (phone-step.js, kinds.js). Whatever would be sent
// only says that nothing is.
import { announce, replace, show } from "./dom.js";
import { buildPhoneStep, uiAttributes } from "./phone-step.js";

const $ = (id) => document.getElementById(id);

/** Returns showPreview(part index, step index). */
export function previewer({ doc, config, strings, phoneStrings, clearProblems, showProblems }) {
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

  return showPreview;
}
