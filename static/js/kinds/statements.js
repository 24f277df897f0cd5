// Statements: agree, disagree or pass on each (the latest reaction counts), and propose one's
// own, which the leader approves first; per statement a segmented bar, and where the room is
// divided.
import { el, format, plural } from "../dom.js";
import { buildTextForm } from "../contribute.js";
import { resultsBox } from "../results.js";

/** The three reactions to a statement, in the order they are shown. */
export const REACTIONS = ["agree", "disagree", "pass"];


/** The participant's reaction to each statement: acknowledged, then what waits to be sent. */
export function ownReactions(phone, step) {
  const stored = phone.own(step.id);
  const reactions = stored && typeof stored === "object" && !Array.isArray(stored) ? { ...stored } : {};
  for (const entry of phone.waiting(step.id)) {
    if (entry.event === "answer" && entry.statement) reactions[entry.statement] = entry.value;
  }
  return reactions;
}

export function buildStatementsForm(phone, current, step) {
  const { strings } = phone;
  const list = el("ul", { class: "statement-list", "aria-labelledby": "step-prompt", "aria-describedby": "statements-hint" });
  const groups = new Map();

  /** Bring the list in line with the step's statements (approved proposals join it) and show
   * the participant's reactions as pressed buttons. */
  function refresh() {
    const statements = Array.isArray(current.step.statements) ? current.step.statements : [];
    const open = phone.isOpen();
    const reactions = ownReactions(phone, current.step);
    statements.forEach((statement, index) => {
      const id = String(statement.id);
      let group = groups.get(id);
      if (!group) {
        group = statementGroup(statement);
        groups.set(id, group);
      }
      group.text.textContent = statement.text;
      if (statement.lang) group.text.setAttribute("lang", statement.lang);
      if (list.children[index] !== group.item) list.insertBefore(group.item, list.children[index] || null);
      for (const [reaction, button] of Object.entries(group.buttons)) {
        button.setAttribute("aria-pressed", String(reactions[id] === reaction));
        button.disabled = !open;
      }
    });
    const wanted = new Set(statements.map((s) => String(s.id)));
    for (const [id, group] of groups) {
      if (!wanted.has(id)) {
        group.item.remove();
        groups.delete(id);
      }
    }
  }

  function statementGroup(statement) {
    const id = String(statement.id);
    const textId = `statement-${id}`;
    const text = el("p", { class: "statement-text", id: textId, lang: statement.lang || null });
    const buttons = {};
    for (const reaction of REACTIONS) {
      buttons[reaction] = el(
        "button",
        phone.ui(step, {
          type: "button",
          class: `button button-secondary reaction reaction-${reaction}`,
          "aria-pressed": "false",
          "aria-describedby": textId,
          onclick: () => {
            if (!phone.isOpen()) return;
            if (buttons[reaction].getAttribute("aria-pressed") === "true") return; // already counts
            phone.queue(current.step, { event: "answer", value: reaction, statement: id });
          },
        }),
        el("span", { class: "reaction-icon", "aria-hidden": "true", text: { agree: "✓", disagree: "✕", pass: "–" }[reaction] }),
        " ",
        strings[reaction],
      );
    }
    // The group inside the list item: a list item keeps its own role (axe: aria-allowed-role).
    const item = el(
      "li",
      { class: "statement" },
      el("div", { role: "group", "aria-labelledby": textId }, text, el("div", { class: "reaction-buttons" }, Object.values(buttons))),
    );
    return { item, text, buttons };
  }

  const propose = buildTextForm(phone, current, step, {
    id: "proposal",
    multiline: true,
    max: step.max_length || 200,
    label: strings.propose_label,
    hint: strings.propose_hint,
    button: strings.propose_send,
    formClass: "proposal-form",
    onText: (text) => phone.queue(current.step, { event: "propose", text }),
  });
  current.refresh = refresh;
  refresh();
  return el(
    "div",
    { class: "statements-form" },
    el("p", phone.ui(step, { class: "hint", id: "statements-hint", text: strings.statements_hint })),
    list,
    el("h3", phone.ui(step, { class: "proposal-heading", text: strings.propose_heading })),
    propose.form,
  );
}

/** The statements the participant has proposed on this phone, waiting or sent. */
export function renderOwnProposals(phone, current, step) {
  const { strings } = phone;
  const sent = phone.proposals(step.id).map((text) => ({ text, queued: false }));
  const waiting = phone.waiting(step.id).filter((entry) => entry.event === "propose").map((entry) => ({ text: entry.text, queued: true }));
  const items = [...sent, ...waiting];
  const signature = JSON.stringify(items);
  if (signature === current.ownSignature) return;
  current.ownSignature = signature;
  current.own.replaceChildren(
    ...(items.length
      ? [
          el("h3", phone.ui(step, { text: strings.your_proposals })),
          el("p", phone.ui(step, { class: "hint", text: strings.proposals_note })),
          el(
            "ul",
            { class: "contributions" },
            items.map((item) =>
              el(
                "li",
                { class: item.queued ? "pending" : null },
                el("span", { text: item.text }),
                item.queued ? el("span", phone.ui(step, { class: "muted", text: ` (${strings.pending})` })) : null,
              ),
            ),
          ),
        ]
      : []),
  );
}


/**
 * Statements (`{respondents, statements, divided}`): per statement a segmented bar (agree,
 * disagree, pass) with the counts and shares in words, "Överens" on the ones the room agrees on,
 * and first a section naming where the room is divided. Statement texts come from the step
 * (`step.statements`). `mine` is the viewer's reactions by statement id. Strings: `respondents`,
 * `agree`, `disagree`, `pass`, `reaction_share`, `divided_heading`, `divided_hint`,
 * `divided_mark`, `agreed_mark`, `all_statements`, `no_answers`, `your_reaction`.
 */
function statementResults(step, results, strings, { mine, lang, headingLevel }) {
  const box = resultsBox();
  const number = new Intl.NumberFormat(lang);
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const respondents = Number(results.respondents || 0);
  const texts = new Map((Array.isArray(step.statements) ? step.statements : []).map((s) => [String(s.id), s]));
  const rows = results.statements.filter((row) => row && texts.has(String(row.id)));
  const own = mine && typeof mine === "object" && !Array.isArray(mine) ? mine : {};
  box.classList.add("statement-results");
  box.append(el("p", { class: "results-summary respondents", text: plural(strings.respondents, respondents, { n: number.format(respondents) }) }));
  if (!respondents) {
    box.append(el("p", { class: "muted", text: strings.no_answers }));
    return box;
  }

  const statementText = (id) => {
    const statement = texts.get(String(id));
    return el("span", { class: "statement-text", lang: statement.lang || step.lang || null, text: statement.text });
  };
  const shares = (row) => {
    const total = Number(row.total) || 0;
    return REACTIONS.map((reaction) => {
      const count = Number(row[reaction]) || 0;
      return { reaction, count, share: total ? count / total : 0 };
    });
  };
  const summary = (row) =>
    shares(row)
      .map(({ reaction, count, share }) =>
        format(strings.reaction_share, { reaction: strings[reaction], count: number.format(count), percent: percent.format(share) }),
      )
      .join(" · ");

  const divided = (Array.isArray(results.divided) ? results.divided : []).filter((id) => texts.has(String(id)));
  if (divided.length) {
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    box.append(
      el(
        "section",
        { class: "divided" },
        el(headingLevel, { class: "divided-heading", text: strings.divided_heading }),
        el("p", { class: "hint", text: strings.divided_hint }),
        el(
          "ul",
          { class: "divided-list" },
          divided.map((id) =>
            el("li", {}, statementText(id), byId.has(String(id)) ? el("span", { class: "statement-summary", text: summary(byId.get(String(id))) }) : null),
          ),
        ),
      ),
    );
  }

  box.append(
    el(headingLevel, { class: "statements-heading", text: strings.all_statements }),
    el(
      "ul",
      { class: "statement-bars" },
      rows.map((row) => {
        const track = el("span", { class: "stack-track", "aria-hidden": "true" });
        for (const { reaction, share } of shares(row)) {
          if (!share) continue;
          const segment = el("span", { class: `stack-segment stack-${reaction}` });
          // Each segment's length is its share of the reactions, as the text under it says.
          segment.style.width = `${(share * 100).toFixed(2)}%`;
          track.append(segment);
        }
        const reaction = own[row.id];
        return el(
          "li",
          { class: `statement-row${row.divided ? " statement-divided" : ""}${row.agreed ? " statement-agreed" : ""}` },
          el(
            "span",
            { class: "statement-label" },
            statementText(row.id),
            row.agreed ? el("span", { class: "statement-mark mark-agreed", text: strings.agreed_mark }) : null,
            row.divided ? el("span", { class: "statement-mark mark-divided", text: strings.divided_mark }) : null,
          ),
          track,
          el("span", { class: "statement-summary", text: summary(row) }),
          reaction && strings.your_reaction && strings[reaction]
            ? el("span", { class: "mine", text: format(strings.your_reaction, { reaction: strings[reaction] }) })
            : null,
        );
      }),
    ),
  );
  return box;
}

export default {
  form: buildStatementsForm,
  own(page, current, step) {
    if (current.refresh) current.refresh();
    renderOwnProposals(page, current, step);
  },
  results: statementResults,
  overview: (step, strings, { lang }) =>
    Array.isArray(step.statements)
      ? [
          el("ol", { class: "option-list statement-overview" }, step.statements.map((statement) => el("li", { lang: statement.lang || lang, text: statement.text }))),
          el("p", { class: "hint", text: strings.statements_hint }),
        ]
      : [],
  groupAnswer(step, answer, { strings }) {
    if (!answer || typeof answer !== "object") return null;
    const statementText = (id) => {
      const statement = (step.statements || []).find((s) => String(s.id) === String(id));
      return statement ? statement.text : String(id);
    };
    return el(
      "ul",
      { class: "group-answer-list" },
      Object.entries(answer).map(([id, reaction]) => el("li", { text: format(strings.group_reaction, { statement: statementText(id), reaction: strings[reaction] || reaction }) })),
    );
  },
  blank(step) {
    step.statements = [{ id: "a", text: {} }];
  },
  fields: (step, path, { itemList }) => [itemList(step, path, "statements")],
};
