// A ranking: every option placed in order of preference, by buttons only; Borda points as bars,
// growing live like a poll's unless the session hides live results. Each participant is shown
// the options in their own order.
import { announce, el, format, ownLang, plural } from "../dom.js";
import { submitButton } from "../phone-step.js";
import { resultsBox } from "../results.js";
import { blankOptions, optionText } from "../choice.js";

/**
 * A ranking. It starts unranked: the options wait in a pool, in the order this participant is
 * shown them (`step.presented`, shuffled per participant by the server), and are tapped in
 * order of preference into the ranked list; there each can be moved up or down or put back.
 * It is sent only when every option is placed. Buttons only, so the keyboard and screen
 * readers work as fingers do; every change is announced in a polite live region.
 */
function buildRankForm(page, current, step) {
  const { strings } = page;
  const options = step.options || [];
  const byId = new Map(options.map((option) => [String(option.id), option]));
  // An empty `presented`: the participant's order is still on its way (no options yet).
  const presented = Array.isArray(step.presented) && step.presented.every((id) => byId.has(String(id))) ? step.presented.map(String) : [...byId.keys()];
  const hintId = "rank-hint";
  const live = el("p", page.ui(step, { class: "visually-hidden", id: "rank-live", "aria-live": "polite" }));
  const list = el("ol", { class: "rank-list", "aria-labelledby": "rank-ranked-heading" });
  const empty = el("p", page.ui(step, { class: "muted rank-empty", text: strings.rank_empty }));
  const pool = el("ul", { class: "rank-pool", "aria-labelledby": "rank-pool-heading" });
  const poolHeading = el("h3", page.ui(step, { class: "rank-heading", id: "rank-pool-heading" }));
  const poolBox = el("div", { class: "rank-pool-box" }, poolHeading, pool);
  const rank = { order: [], items: new Map(), presented };

  for (const id of presented) {
    const option = byId.get(id);
    const button = (text, label, icon) =>
      el("button", page.ui(step, { type: "button", class: "button button-secondary rank-move", "aria-label": format(label, { option: option.text }) }), el("span", { "aria-hidden": "true", text: icon }), text);
    const place = el(
      "button",
      page.ui(step, { type: "button", class: "button button-secondary rank-pick", "aria-label": format(strings.rank_pick_label, { option: option.text }) }),
      el("span", { class: "rank-pick-icon", "aria-hidden": "true", text: "+" }),
      el("span", { lang: ownLang(option, step), text: option.text }),
    );
    const up = button(strings.move_up, strings.move_up_label, "↑ ");
    const down = button(strings.move_down, strings.move_down_label, "↓ ");
    const back = button(strings.rank_unplace, strings.rank_unplace_label, "✕ ");
    const position = el("span", { class: "rank-position" });
    const item = el(
      "li",
      { class: "rank-item", "data-id": id },
      el("span", { class: "rank-text" }, position, el("span", { class: "rank-option", lang: ownLang(option, step), text: option.text })),
      el("span", { class: "rank-buttons" }, up, down, back),
    );
    const waiting = el("li", { class: "rank-waiting", "data-id": id }, place);
    place.addEventListener("click", () => pick(id));
    up.addEventListener("click", () => move(id, -1, up, down));
    down.addEventListener("click", () => move(id, 1, down, up));
    back.addEventListener("click", () => unplace(id));
    rank.items.set(id, { item, waiting, place, up, down, back, position, text: option.text });
    current.controls.push(place);
  }

  /** Show `rank.order` ranked and the rest waiting, in the presented order; enable what can act. */
  function layout() {
    const open = page.isOpen();
    const count = rank.order.length;
    arrange(list, rank.order.map((id) => rank.items.get(id).item));
    rank.order.forEach((id, index) => {
      const entry = rank.items.get(id);
      entry.position.textContent = `${page.numbers.format(index + 1)}.`;
      entry.up.disabled = !open || index === 0;
      entry.down.disabled = !open || index === count - 1;
      entry.back.disabled = !open;
    });
    const left = rank.presented.filter((id) => !rank.order.includes(id));
    arrange(pool, left.map((id) => rank.items.get(id).waiting));
    for (const id of left) rank.items.get(id).place.disabled = !open;
    poolHeading.textContent = format(strings.rank_left, { n: page.numbers.format(left.length) });
    poolBox.hidden = !left.length;
    empty.hidden = count > 0;
  }

  function changed(message, focus) {
    current.dirty = true;
    layout();
    if (focus) focus.focus();
    announce(live, message);
  }

  function pick(id) {
    if (!page.isOpen() || rank.order.includes(id)) return;
    rank.order.push(id);
    const entry = rank.items.get(id);
    // The focus goes on to the next option waiting, or to the ranked item when none is left.
    const next = rank.presented.find((other) => !rank.order.includes(other));
    changed(
      format(strings.rank_moved, { option: entry.text, position: page.numbers.format(rank.order.length), count: page.numbers.format(rank.presented.length) }),
      next ? rank.items.get(next).place : entry.up.disabled ? entry.back : entry.up,
    );
  }

  function unplace(id) {
    if (!page.isOpen()) return;
    rank.order = rank.order.filter((other) => other !== id);
    const entry = rank.items.get(id);
    changed(format(strings.rank_unplaced, { option: entry.text }), entry.place);
  }

  function move(id, delta, button, other) {
    const from = rank.order.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= rank.order.length || !page.isOpen()) return;
    rank.order.splice(from, 1);
    rank.order.splice(to, 0, id);
    current.dirty = true;
    layout();
    // Moving the item in the document may drop focus: keep it on the item's buttons.
    (button.disabled ? other : button).focus();
    const entry = rank.items.get(id);
    announce(live, format(strings.rank_moved, { option: entry.text, position: page.numbers.format(to + 1), count: page.numbers.format(rank.order.length) }));
  }

  /** Show `order` (the participant's own, acknowledged or waiting) unless they are reordering. */
  rank.set = (order) => {
    if (!Array.isArray(order)) return;
    const ids = order.map(String);
    if (ids.length !== rank.presented.length || !ids.every((id) => rank.items.has(id))) return;
    rank.order = ids;
    layout();
  };

  layout();
  const form = el(
    "form",
    { class: "answer-form rank-form", novalidate: true },
    el("p", page.ui(step, { class: "hint", id: hintId, text: strings.rank_hint })),
    poolBox,
    el("h3", page.ui(step, { class: "rank-heading", id: "rank-ranked-heading", text: strings.rank_ranked })),
    empty,
    list,
    live,
    submitButton(page, current, step, strings.send_ranking),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!rank.presented.length) return;
    if (rank.order.length !== rank.presented.length) {
      page.showAlert(strings.rank_incomplete);
      return;
    }
    page.send(step, rank.order.slice());
  });
  current.form = form;
  current.rank = rank;
  current.refresh = layout;
  return form;
}

/** Put `nodes` into `container` in order, moving only what is out of place (a node that
 * stays keeps the keyboard focus). */
function arrange(container, nodes) {
  nodes.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** The ranking last sent (shown unless the participant is reordering) and a short summary. */
function ownRanking(page, current, step, { mine, waiting }) {
  const { strings } = page;
  const answers = waiting.filter((entry) => entry.event === "answer");
  const latest = answers.length ? answers[answers.length - 1].value : mine;
  if (current.rank && !current.dirty && Array.isArray(latest)) current.rank.set(latest);
  if (!Array.isArray(mine) || !mine.length) {
    current.own.replaceChildren();
    return;
  }
  current.own.replaceChildren(
    ...[
      el("h3", page.ui(step, { text: strings.your_ranking })),
      el("ol", { class: "own-ranking" }, mine.map((id) => el("li", { text: optionText(step, id) }))),
      page.isOpen() ? el("p", page.ui(step, { class: "hint", text: strings.change_hint })) : null,
    ].filter(Boolean),
  );
}

/**
 * A ranking (Borda count): the options best first, each with its points and average position in
 * words and a bar whose length is the share of the most points an option could get. Strings:
 * `ranked`, `borda_note`, `borda_points`, `average_position`, `rank_value`, `no_answers`.
 */
function rankResults(step, results, strings, { mine, lang }) {
  const box = resultsBox();
  const respondents = Number(results.respondents || 0);
  box.classList.add("rank-results");
  box.append(
    el("p", { class: "results-summary ranked", text: plural(strings.ranked, respondents, { n: new Intl.NumberFormat(lang).format(respondents) }) }),
    el("p", { class: "hint borda-note", text: strings.borda_note }),
  );
  if (!respondents) {
    box.append(el("p", { class: "muted", text: strings.no_answers }));
    return box;
  }
  const options = Array.isArray(step.options) ? step.options : [];
  const most = respondents * Math.max(options.length - 1, 1);
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const own = Array.isArray(mine) ? mine.map(String) : [];
  box.append(
    el(
      "ol",
      { class: results.order.length > 5 ? "bars rank-bars bars-many" : "bars rank-bars" },
      results.order.map((id, index) => {
        const option = options.find((o) => String(o.id) === String(id));
        const points = Number((results.scores || {})[id] || 0);
        const average = results.average_position ? results.average_position[id] : null;
        const fill = el("span", { class: "bar-fill" });
        fill.style.width = `${Math.round((points / most) * 100)}%`;
        const place = own.indexOf(String(id));
        return el(
          "li",
          { class: "bar-row rank-row" },
          el(
            "span",
            { class: "bar-label" },
            el("span", { class: "rank-place", text: `${number.format(index + 1)}.` }),
            " ",
            el("span", { lang: ownLang(option, step) || step.lang || null, text: option ? option.text : String(id) }),
            place >= 0 && strings.your_place
              ? el("span", { class: "mine", text: ` ${format(strings.your_place, { position: number.format(place + 1) })}` })
              : null,
          ),
          el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
          el("span", {
            class: "bar-value",
            text: format(strings.rank_value, {
              points: plural(strings.borda_points, points, { n: number.format(points) }),
              position: typeof average === "number" ? format(strings.average_position, { position: number.format(average) }) : "–",
            }),
          }),
        );
      }),
    ),
  );
  return box;
}

export default {
  form: buildRankForm,
  own: ownRanking,
  results: rankResults,
  presented: true,
  overview: (step, strings) => [el("p", { class: "hint", text: strings.rank_hint })],
  groupAnswer: (step, answer) => (Array.isArray(answer) ? el("ol", { class: "group-answer-list" }, answer.map((id) => el("li", { text: optionText(step, id) }))) : null),
  blank: blankOptions,
  fields: (step, path, { itemList }) => [itemList(step, path, "options")],
};
