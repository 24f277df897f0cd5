// The module editor's problems (editor.js): what the server refused, at the fields its paths
// point to (aria-invalid, the message under the field) and in a summary on top that links to each.
import { el, replace, show } from "./dom.js";
import { fieldId } from "./editor-fields.js";

const $ = (id) => document.getElementById(id);

/** The problems of the form `editor`: {clearProblems(), showProblems(message, problems)}. */
export function problemList(editor, strings) {
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

  return { clearProblems, showProblems };
}
