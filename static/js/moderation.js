// The leader console's dialogue tools (docs/protocol.md): the moderation panel of open and word
// cloud steps (hide, approve, highlight, merge, theme, tags), proposed statements to approve or
// reject, and each table group's answer in team mode. No user-visible text lives here, and user
// text is only ever set as text, never as HTML.
import { el, format, plural, replace } from "./dom.js";
import { kindOf } from "./kinds.js";

/**
 * One list item per contribution, built once and then updated, so that a tally arriving every
 * quarter second never takes away focus, an open "more" section or a theme being typed.
 * `send(action, contribution, fields)` sends `moderate` and resolves to true when it went through.
 */
export class ModerationPanel {
  constructor({ list, datalist, strings, locale, vocabulary, send }) {
    this.list = list;
    this.datalist = datalist;
    this.strings = strings;
    this.numbers = new Intl.NumberFormat(locale);
    this.vocabulary = Array.isArray(vocabulary) ? vocabulary.filter((group) => group && Array.isArray(group.tags) && group.tags.length) : [];
    this.tagLabels = new Map(this.vocabulary.flatMap((group) => group.tags.map((tag) => [tag.id, tag.label])));
    this.send = send;
    this.entries = new Map();
    this.stepId = null;
    this.empty = el("li", { class: "muted no-marker", text: strings.no_contributions });
  }

  /** Show `items` (the snapshot's `moderation`) of step `stepId`. */
  render(items, stepId) {
    if (stepId !== this.stepId) {
      this.stepId = stepId;
      this.entries.clear();
      replace(this.list);
    }
    const themes = [...new Set(items.map((item) => item.theme).filter(Boolean))];
    replace(this.datalist, themes.map((theme) => el("option", { value: theme })));
    const focused = document.activeElement;
    const wanted = new Set(items.map((item) => item.id));
    for (const [id, entry] of this.entries) {
      if (wanted.has(id)) continue;
      entry.item.remove();
      this.entries.delete(id);
    }
    items.forEach((item, index) => {
      let entry = this.entries.get(item.id);
      if (!entry) {
        entry = this.build(item);
        this.entries.set(item.id, entry);
      }
      this.update(entry, item, items);
      if (this.list.children[index] !== entry.item) this.list.insertBefore(entry.item, this.list.children[index] || null);
    });
    if (!items.length) replace(this.list, this.empty);
    else this.empty.remove();
    if (focused && focused !== document.activeElement && document.contains(focused) && !focused.closest("[hidden]")) {
      focused.focus({ preventScroll: true });
    }
  }

  build(item) {
    const s = this.strings;
    const id = item.id;
    const textId = `mod-text-${id}`;
    const entry = { id, item: null, data: item, themeDirty: false, tagsDirty: false };
    const described = { "aria-describedby": textId };
    const action = (name, fields = {}) => () => this.act(entry, name, fields);

    entry.text = el("span", { class: "mod-text", id: textId });
    entry.number = el("span", { class: "mod-number", text: format(s.contribution_number, { id: this.numbers.format(id) }) });
    entry.votes = el("span", { class: "mod-votes" });
    entry.badges = el("ul", { class: "badges" });
    entry.hide = el("button", { type: "button", class: "button button-small button-secondary", ...described });
    entry.hide.addEventListener("click", () => this.act(entry, entry.data.hidden ? "unhide" : "hide"));
    entry.approve = el("button", { type: "button", class: "button button-small", text: s.approve, ...described, onclick: action("approve") });
    entry.highlight = el("button", { type: "button", class: "button button-small button-secondary", ...described });
    entry.highlight.addEventListener("click", () => this.act(entry, entry.data.highlighted ? "unhighlight" : "highlight"));
    entry.unmerge = el("button", { type: "button", class: "button button-small button-secondary", text: s.unmerge, ...described, onclick: action("unmerge") });
    entry.mergeSimilar = el("button", { type: "button", class: "button button-small button-secondary", ...described });
    entry.mergeSimilar.addEventListener("click", () => this.act(entry, "merge", { into: entry.data.similar_to }));

    // Merge with another contribution of the step.
    const mergeId = `mod-merge-${id}`;
    entry.mergeSelect = el("select", { id: mergeId, "aria-describedby": textId });
    entry.mergeButton = el("button", { type: "button", class: "button button-small button-secondary", text: s.merge, "aria-describedby": textId });
    entry.mergeButton.addEventListener("click", () => {
      const into = Number(entry.mergeSelect.value);
      if (into) this.act(entry, "merge", { into });
    });
    entry.mergeBox = el(
      "div",
      { class: "mod-field mod-merge" },
      el("label", { for: mergeId, text: s.merge_label }),
      el("span", { class: "mod-inline" }, entry.mergeSelect, entry.mergeButton),
    );

    // A theme: a short label that groups contributions on the big screen.
    const themeId = `mod-theme-${id}`;
    entry.theme = el("input", { id: themeId, type: "text", maxlength: "60", list: this.datalist.id, autocomplete: "off", "aria-describedby": `${themeId}-hint` });
    entry.theme.addEventListener("input", () => {
      entry.themeDirty = true;
    });
    const themeForm = el(
      "form",
      { class: "mod-field mod-theme", novalidate: true },
      el("label", { for: themeId, text: s.theme_label }),
      el("p", { class: "hint", id: `${themeId}-hint`, text: s.theme_hint }),
      el("span", { class: "mod-inline" }, entry.theme, el("button", { type: "submit", class: "button button-small button-secondary", text: s.theme_save })),
    );
    themeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const theme = entry.theme.value.trim();
      if (await this.act(entry, "theme", { theme: theme || null })) entry.themeDirty = false;
    });

    // Tags from the action plan's vocabulary.
    entry.tagInputs = new Map();
    let tagBox = null;
    if (this.vocabulary.length) {
      const groups = this.vocabulary.map((group) =>
        el(
          "fieldset",
          { class: "tag-group" },
          el("legend", { text: group.label }),
          group.tags.map((tag) => {
            const input = el("input", { type: "checkbox", id: `mod-tag-${id}-${tag.id}`, value: tag.id });
            input.addEventListener("change", () => {
              entry.tagsDirty = true;
            });
            entry.tagInputs.set(tag.id, input);
            return el("div", { class: "check" }, input, el("label", { for: input.id, text: tag.label }));
          }),
        ),
      );
      tagBox = el(
        "fieldset",
        { class: "mod-tags" },
        el("legend", { text: s.tags_legend }),
        groups,
        el("button", {
          type: "button",
          class: "button button-small button-secondary",
          text: s.tags_save,
          "aria-describedby": textId,
          onclick: async () => {
            const tags = [...entry.tagInputs].filter(([, input]) => input.checked).map(([tag]) => tag);
            if (await this.act(entry, "tag", { tags })) entry.tagsDirty = false;
          },
        }),
      );
    }

    entry.more = el(
      "details",
      { class: "mod-more" },
      el("summary", {}, s.more_actions, el("span", { class: "visually-hidden", text: ` ${format(s.contribution_number, { id: this.numbers.format(id) })}` })),
      entry.mergeBox,
      themeForm,
      tagBox,
    );
    entry.item = el(
      "li",
      { class: "mod-item", "data-id": String(id) },
      el("p", { class: "mod-head" }, entry.number, " ", entry.text),
      el("div", { class: "mod-meta" }, entry.votes, entry.badges),
      el("div", { class: "mod-actions" }, entry.approve, entry.hide, entry.highlight, entry.mergeSimilar, entry.unmerge),
      entry.more,
    );
    return entry;
  }

  update(entry, item, items) {
    const s = this.strings;
    const n = (value) => this.numbers.format(value);
    entry.data = item;
    entry.text.textContent = item.text || "";
    entry.votes.textContent = plural(s.upvotes, item.votes || 0, { n: n(item.votes || 0) });
    entry.item.classList.toggle("is-hidden", Boolean(item.hidden));
    entry.item.classList.toggle("is-pending", Boolean(item.pending));
    entry.item.classList.toggle("is-highlighted", Boolean(item.highlighted));
    entry.item.classList.toggle("is-merged", item.merged_into !== null && item.merged_into !== undefined);

    const merged = item.merged_into !== null && item.merged_into !== undefined;
    const badges = [];
    if (item.hidden) badges.push(["hidden", s.badge_hidden]);
    if (item.pending) badges.push(["pending", s.badge_pending]);
    if (item.highlighted) badges.push(["highlighted", s.badge_highlighted]);
    if (merged) badges.push(["merged", format(s.badge_merged, { id: n(item.merged_into) })]);
    if (item.edited) badges.push(["edited", s.badge_edited]);
    if (item.by_leader) badges.push(["by-leader", s.badge_by_leader]);
    if (item.group) badges.push(["group", format(s.badge_group, { name: item.group })]);
    if (item.theme) badges.push(["theme", format(s.badge_theme, { theme: item.theme })]);
    for (const tag of item.tags || []) badges.push(["tag", format(s.badge_tag, { tag: this.tagLabels.get(tag) || tag })]);
    if (item.similar_to && !merged) badges.push(["similar", format(s.similar_to, { id: n(item.similar_to) })]);
    replace(entry.badges, badges.map(([kind, text]) => el("li", { class: `badge badge-${kind}`, text })));

    entry.hide.textContent = item.hidden ? s.unhide : s.hide;
    entry.approve.hidden = !item.pending;
    entry.highlight.textContent = item.highlighted ? s.unhighlight : s.highlight;
    entry.unmerge.hidden = !merged;
    const similar = item.similar_to && !merged && items.some((other) => other.id === item.similar_to);
    entry.mergeSimilar.hidden = !similar;
    if (similar) entry.mergeSimilar.textContent = format(s.merge_with, { id: n(item.similar_to) });

    // Merge targets: the other contributions that stand on their own.
    entry.mergeBox.hidden = merged;
    const targets = items.filter((other) => other.id !== item.id && (other.merged_into === null || other.merged_into === undefined));
    const key = targets.map((other) => `${other.id}:${other.text}`).join("\n");
    if (key !== entry.mergeKey && document.activeElement !== entry.mergeSelect) {
      entry.mergeKey = key;
      const chosen = entry.mergeSelect.value || (item.similar_to ? String(item.similar_to) : "");
      replace(
        entry.mergeSelect,
        el("option", { value: "", text: s.merge_none }),
        targets.map((other) =>
          el("option", { value: String(other.id), text: `${format(s.contribution_number, { id: n(other.id) })} ${shorten(other.text)}` }),
        ),
      );
      entry.mergeSelect.value = targets.some((other) => String(other.id) === chosen) ? chosen : "";
    }
    entry.mergeButton.disabled = !targets.length;

    if (!entry.themeDirty && document.activeElement !== entry.theme) entry.theme.value = item.theme || "";
    if (!entry.tagsDirty) {
      const tags = new Set(item.tags || []);
      for (const [tag, input] of entry.tagInputs) input.checked = tags.has(tag);
    }
  }

  /** Send one decision; afterwards keep focus on a control of the same contribution. */
  async act(entry, action, fields = {}) {
    const ok = await this.send(action, entry.id, fields);
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused.closest("[hidden]") || !document.contains(focused)) {
      const target = [entry.hide, entry.highlight].find((button) => document.contains(button));
      if (target) target.focus();
    }
    return ok;
  }
}

/** A contribution's text cut to fit an option of a select. */
function shorten(text, max = 60) {
  const value = String(text || "");
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/** What each proposal list shows now, so that an unchanged tally leaves it alone. */
const shownProposals = new WeakMap();

/**
 * Proposed statements waiting for the leader: text and Approve / Reject buttons. `decide(id,
 * decision)` sends `proposal`. After a decision, focus goes to the next proposal, or `fallback`.
 */
export function renderProposals(list, proposals, strings, { decide, fallback }) {
  const signature = JSON.stringify(proposals);
  if (shownProposals.get(list) === signature) return;
  shownProposals.set(list, signature);
  const focused = document.activeElement;
  const again = focused && focused.dataset && focused.dataset.proposal ? `button[data-proposal="${focused.dataset.proposal}"][data-decision="${focused.dataset.decision}"]` : null;
  if (!proposals.length) {
    replace(list, el("li", { class: "muted no-marker", text: strings.no_proposals }));
    return;
  }
  replace(
    list,
    proposals.map((proposal) => {
      const textId = `proposal-${proposal.id}`;
      const button = (decision, text, cls) =>
        el("button", {
          type: "button",
          class: `button button-small ${cls}`,
          "data-proposal": String(proposal.id),
          "data-decision": decision,
          "aria-describedby": textId,
          text,
          onclick: async () => {
            await decide(proposal.id, decision);
            // The decided proposal has left the list: on to the next one.
            if (!document.activeElement || document.activeElement === document.body) {
              (list.querySelector("button[data-decision='approve']") || fallback).focus();
            }
          },
        });
      return el(
        "li",
        { class: "proposal-item" },
        el("p", { class: "proposal-text", id: textId, lang: proposal.lang || null, text: proposal.text }),
        el("div", { class: "mod-actions" }, button("approve", strings.approve, ""), button("reject", strings.reject, "button-danger")),
      );
    }),
  );
  // A tally rebuilt the list: focus stays on the same button.
  const same = again ? list.querySelector(again) : null;
  if (same && focused !== document.activeElement) same.focus({ preventScroll: true });
}

/**
 * Team mode: each table group's answer to the current step, in words. `step` is the console's
 * view of the step (options, statements) for the names of what was chosen.
 */
export function renderGroups(body, groups, step, strings, locale) {
  const numbers = new Intl.NumberFormat(locale);
  const answerOf = (answer) => {
    if (answer === null || answer === undefined || (Array.isArray(answer) && !answer.length)) {
      return el("span", { class: "muted", text: strings.no_group_answer });
    }
    // Each kind says its answers in words (kinds.js, `groupAnswer`); else the answer as text.
    const kind = kindOf(step.kind);
    const shown = kind.groupAnswer ? kind.groupAnswer(step, answer, { strings, numbers }) : null;
    return shown || el("span", { text: typeof answer === "number" ? numbers.format(answer) : String(answer) });
  };
  replace(
    body,
    groups.map((group) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: group.name || format(strings.participant_fallback, { id: group.id }) }),
        el("td", {}, answerOf(group.answer)),
      ),
    ),
  );
}
