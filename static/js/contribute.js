// The phone's dialogue tools (docs/protocol.md): free-text forms, one's own contributions with
// Edit and Withdraw, the room's contributions with Upvote, statements with Agree / Disagree /
// Pass, and proposing a statement (their form: static/js/kinds/statements.js). Everything is sent through the phone's outbox; `phone` is the
// page's context (see participant.js), `current` the step on screen. No user-visible text lives
// here; user text is only ever set as text, never as HTML.
import { contributionList } from "./answers.js";
import { el, format } from "./dom.js";

/** Focus stays where it was when a part of the page is rebuilt around the focused element. */
export function keepingFocus(rebuild) {
  const focused = document.activeElement;
  rebuild();
  if (focused && focused !== document.body && focused !== document.activeElement && document.contains(focused)) {
    focused.focus({ preventScroll: true });
  }
}

/**
 * A free-text form: open prompts (a textarea), word clouds and proposals (one line or a
 * textarea). The text goes to `onText(text)`; the field is emptied for the next.
 */
export function buildTextForm(phone, current, step, { id, multiline, max, label, hint, button, formClass, onText }) {
  const { strings } = phone;
  const counter = el("p", phone.ui(step, { class: "hint", id: `${id}-count` }));
  const field = el(multiline ? "textarea" : "input", {
    id,
    name: id,
    maxlength: String(max),
    "aria-describedby": `${id}-hint ${id}-count`,
    ...(multiline ? { rows: "4" } : { type: "text", autocomplete: "off", enterkeyhint: "send" }),
  });
  const count = () => {
    counter.textContent = format(strings.char_count, { used: field.value.length, max });
  };
  count();
  field.addEventListener("input", count);
  current.controls.push(field);
  const submit = el("button", phone.ui(step, { type: "submit", class: "button button-big", text: button || strings.send }));
  current.controls.push(submit);
  const form = el(
    "form",
    { class: `answer-form ${formClass || ""}`.trim(), novalidate: true },
    el(
      "div",
      { class: "field" },
      el("label", phone.ui(step, { for: id, text: label })),
      el("p", phone.ui(step, { class: "hint", id: `${id}-hint`, text: hint })),
      field,
      counter,
    ),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = typedText(phone, field, multiline);
    if (!text) return;
    onText(text);
    field.value = "";
    count();
    field.focus();
  });
  return { form, field };
}

// ---------------------------------------------------------------------------------------------
// One's own contributions (open and word cloud): what was sent, what waits in the outbox, and
// while the step is open Edit (inline) and Withdraw (after a confirmation).

/** The own contributions to show: acknowledged ones with the edits and withdrawals queued for
 * them, then new ones still waiting to be sent. */
function ownItems(phone, step) {
  const items = contributionList(phone.own(step.id)).map((item) => ({ ...item, queued: null }));
  for (const entry of phone.waiting(step.id)) {
    if (entry.event === "answer") {
      items.push({ id: null, submission_id: entry.submission_id, text: entry.value, queued: "answer" });
      continue;
    }
    const item = items.find((i) => i.submission_id && i.submission_id === entry.submission_id);
    if (!item) continue;
    if (entry.event === "edit") {
      item.text = entry.value;
      item.queued = item.queued === "answer" ? "answer" : "edit";
    } else if (entry.event === "withdraw") {
      item.queued = "withdraw";
    }
  }
  return items;
}

/** Render the own contributions into `current.own`, unless nothing about them has changed (so a
 * tally never disturbs someone editing). */
export function renderOwnContributions(phone, current, step) {
  const { strings } = phone;
  const open = phone.isOpen();
  if (!open) {
    current.editing = null;
    current.confirming = null;
  }
  const items = ownItems(phone, step);
  const signature = JSON.stringify([items, open, current.editing, current.confirming]);
  if (signature === current.ownSignature) return;
  current.ownSignature = signature;
  const words = Boolean(current.contribution && current.contribution.words);
  keepingFocus(() => {
    current.own.replaceChildren(
      ...(items.length
        ? [
            el("h3", phone.ui(step, { text: words ? strings.your_words : strings.your_contributions })),
            el("ul", { class: words ? "contributions own-list own-words" : "contributions own-list" }, items.map((item) => ownItem(phone, current, step, item, open))),
          ]
        : []),
    );
  });
}

function ownItem(phone, current, step, item, open) {
  const { strings } = phone;
  const sid = item.submission_id;
  const textId = sid ? `own-${sid}` : null;
  const notes = [];
  if (item.queued === "answer" || item.queued === "edit") notes.push(strings.pending);
  if (item.queued === "withdraw") notes.push(strings.withdrawing);
  if (item.hidden) notes.push(strings.own_hidden);
  if (item.pending && !item.hidden) notes.push(strings.own_pending);
  if (item.merged) notes.push(strings.own_merged);
  const li = el(
    "li",
    { class: item.queued ? "own-item pending" : "own-item" },
    el("span", { class: "own-text", id: textId, lang: step.lang || null, text: item.text }),
    notes.length ? el("span", phone.ui(step, { class: "own-notes", text: notes.map((n) => `(${n})`).join(" ") })) : null,
  );
  const actionable = open && sid && item.queued !== "withdraw";
  if (!actionable) return li;
  if (current.editing === sid) {
    li.append(editor(phone, current, step, item));
  } else if (current.confirming === sid) {
    li.append(
      el(
        "div",
        phone.ui(step, { class: "confirm", role: "group", "aria-labelledby": `confirm-${sid}` }),
        el("p", { id: `confirm-${sid}`, class: "confirm-text", text: strings.withdraw_confirm }),
        el("span", { class: "own-actions" },
          el("button", {
            type: "button",
            class: "button button-small button-danger",
            "data-own-action": "confirm",
            "data-sid": sid,
            "aria-describedby": textId,
            text: strings.withdraw_yes,
            onclick: () => {
              current.confirming = null;
              phone.queue(step, { event: "withdraw", submission_id: sid });
              phone.focusField();
            },
          }),
          el("button", {
            type: "button",
            class: "button button-small button-secondary",
            "data-own-action": "cancel-withdraw",
            "data-sid": sid,
            text: strings.cancel,
            onclick: () => {
              current.confirming = null;
              phone.refreshOwn();
              focusAction(current, "withdraw", sid);
            },
          }),
        ),
      ),
    );
  } else {
    li.append(
      el(
        "span",
        phone.ui(step, { class: "own-actions" }),
        el("button", {
          type: "button",
          class: "button button-small button-secondary",
          "data-own-action": "edit",
          "data-sid": sid,
          "aria-describedby": textId,
          text: strings.edit,
          onclick: () => {
            current.editing = sid;
            current.confirming = null;
            current.editor = null;
            phone.refreshOwn();
            if (current.editor) current.editor.field.focus();
          },
        }),
        el("button", {
          type: "button",
          class: "button button-small button-secondary",
          "data-own-action": "withdraw",
          "data-sid": sid,
          "aria-describedby": textId,
          text: strings.withdraw,
          onclick: () => {
            current.confirming = sid;
            current.editing = null;
            phone.refreshOwn();
            focusAction(current, "confirm", sid);
          },
        }),
      ),
    );
  }
  return li;
}

/** The inline editor of one contribution; built once per edit so that a rebuild of the list
 * keeps what is being typed. */
function editor(phone, current, step, item) {
  const { strings } = phone;
  const sid = item.submission_id;
  if (current.editor && current.editor.sid === sid) return current.editor.form;
  // The kind's own text form said how long and on how many lines (kinds/open.js, wordcloud.js).
  const { max, multiline } = current.contribution || { max: step.max_length || 500, multiline: true };
  const id = `edit-${sid}`;
  const field = el(multiline ? "textarea" : "input", {
    id,
    maxlength: String(max),
    "aria-describedby": `${id}-count`,
    ...(multiline ? { rows: "3" } : { type: "text", autocomplete: "off" }),
  });
  field.value = item.text || "";
  const counter = el("p", phone.ui(step, { class: "hint", id: `${id}-count` }));
  const count = () => {
    counter.textContent = format(strings.char_count, { used: field.value.length, max });
  };
  count();
  field.addEventListener("input", count);
  const cancel = () => {
    current.editing = null;
    current.editor = null;
    phone.refreshOwn();
    focusAction(current, "edit", sid);
  };
  field.addEventListener("keydown", (event) => {
    if (event.key === "Escape") cancel();
  });
  const form = el(
    "form",
    phone.ui(step, { class: "edit-form", novalidate: true }),
    el("div", { class: "field" }, el("label", { for: id, text: strings.edit_label }), field, counter),
    el(
      "span",
      { class: "own-actions" },
      el("button", { type: "submit", class: "button button-small", text: strings.save }),
      el("button", { type: "button", class: "button button-small button-secondary", text: strings.cancel, onclick: cancel }),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = typedText(phone, field, multiline);
    if (!text) return;
    current.editing = null;
    current.editor = null;
    if (text !== item.text) phone.queue(step, { event: "edit", submission_id: sid, value: text });
    else phone.refreshOwn();
    focusAction(current, "edit", sid);
  });
  current.editor = { sid, form, field };
  return form;
}

/** The text of a contribution field, trimmed (on one line, spaces folded): or null, with the
 * page asking for some text, when there is none. */
function typedText(phone, field, multiline) {
  const text = multiline ? field.value.trim() : field.value.trim().replace(/\s+/g, " ");
  if (text) return text;
  phone.showAlert(phone.strings.write_first);
  field.focus();
  return null;
}

function focusAction(current, action, sid) {
  const button = current.own && current.own.querySelector(`[data-own-action="${action}"][data-sid="${sid}"]`);
  if (button) button.focus();
}

// ---------------------------------------------------------------------------------------------
// The room's contributions (open steps): an Upvote toggle on everyone else's.

/** Options for renderResults: the own contribution ids, and an upvote button per contribution.
 * Buttons are kept per contribution id so that a new tally does not take away their focus. */
export function upvoteOptions(phone, current, step) {
  const { strings } = phone;
  const own = new Set(contributionList(phone.own(step.id)).map((item) => item.id).filter((id) => id !== null && id !== undefined));
  const voted = phone.voted(step.id);
  const open = phone.isOpen();
  if (!current.upvotes) current.upvotes = new Map();
  const extra = (contribution, mine) => {
    if (mine) return null;
    let button = current.upvotes.get(contribution.id);
    if (!button) {
      const icon = el("span", { class: "upvote-icon", "aria-hidden": "true" });
      button = el(
        "button",
        {
          type: "button",
          class: "button button-small button-secondary upvote",
          "aria-describedby": `contribution-${contribution.id}`,
          onclick: () => {
            if (button.getAttribute("aria-pressed") === "true" || !phone.isOpen()) return;
            phone.queue(step, { event: "upvote", contribution: contribution.id });
          },
        },
        icon,
        " ",
        strings.upvote,
      );
      button.icon = icon;
      current.upvotes.set(contribution.id, button);
    }
    const pressed = voted.has(contribution.id);
    button.setAttribute("aria-pressed", String(pressed));
    // Pressed for good (an upvote cannot be taken back), yet still focusable and announced.
    if (pressed) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
    button.disabled = !open && !pressed;
    button.icon.textContent = pressed ? "✓" : "▲";
    return button;
  };
  return { own, extra };
}
