// The step on the phone view (participant.js): built once per step and then only updated, so
// that a new snapshot (another participant's answer revealed, answering closed) never wipes what
// is being typed. The form and the own answer are the kind's (kinds.js); here are the results,
// the quiz's result card, and what is announced. `live` is the page's shared state.
import { announce, el, format, replace } from "./dom.js";
import { keepingFocus, upvoteOptions } from "./contribute.js";
import { kindOf } from "./kinds.js";
import { buildPhoneStep } from "./phone-step.js";
import { isCorrect, renderExplanation, renderResults } from "./results.js";

/** The current step's drawing; returns {renderStep, updateStep, renderOwn}. */
export function currentStep({ live, view, strings, locale, numbers, ui, phone, answers, outbox, sync, setStatus, severalAnswers, roomContributions, expired, score }) {
  const ownValue = (stepId) => answers.own(stepId);

  function renderStep(step) {
    // A ranking's options are drawn only in this participant's own order (join and sync
    // snapshots carry it; after a broadcast it is asked for): until then the step shows without
    // them, never in the content's order.
    if (kindOf(step.kind).presented && step.answerable && !Array.isArray(step.presented)) {
      step.presented = [];
      sync();
    }
    const reorder = live.current && live.current.id === step.id && live.current.rank && !live.current.dirty && step.presented && live.current.rank.presented.join() !== step.presented.join();
    if (!live.current || live.current.id !== step.id || reorder) buildStep(step);
    live.current.step = step;
    updateStep();
  }

  function buildStep(step) {
    const focusWasInside = view.step.contains(document.activeElement) || document.activeElement === document.body;
    const built = buildPhoneStep(phone, step);
    live.current = built.current;
    view.step.setAttribute("lang", step.lang || locale);
    replace(view.stepBody, built.parts);
    replace(view.stepAfter, live.current.results);
    announce(view.announcer, format(strings.new_step, { prompt: step.prompt || "" }));
    if (!outbox.length) setStatus("");
    if (focusWasInside) built.heading.focus();
  }

  /** Bring the built step up to date: open or closed, own answers, revealed results. */
  function updateStep() {
    const { step } = live.current;
    if (!step.answerable) return;
    const open = phone.isOpen();
    for (const control of live.current.controls) control.disabled = !open;
    if (live.current.refresh) live.current.refresh();
    if (live.current.closedNote) {
      live.current.closedNote.hidden = open;
      live.current.closedNote.textContent = expired() ? strings.time_up_note : strings.closed;
    }
    if (severalAnswers(step)) answers.reconcile(step.id, roomContributions());
    renderOwn();
    if (live.state.results) {
      const mine = ownValue(step.id);
      // Open steps: the room's contributions, live, each with an upvote button (not one's own).
      const room = Array.isArray(live.state.results.results && live.state.results.results.contributions);
      const options = room ? upvoteOptions(phone, live.current, step) : {};
      keepingFocus(() =>
        replace(
          live.current.results,
          el("h3", { id: "results-heading", text: room ? strings.room_contributions : strings.results }),
          room && open ? el("p", { class: "hint", text: strings.upvote_hint }) : null,
          Array.isArray(step.correct) ? null : verdict(step, mine),
          renderResults(step, live.state.results, strings, { mine, lang: locale, ...options }),
          Array.isArray(step.correct) ? null : renderExplanation(step, strings, "h4"),
        ),
      );
      // Announced when the leader reveals them, not when an open step's live list first shows
      // (that would drown the new step's own announcement).
      if (live.state.session.revealed && !live.current.announcedReveal) {
        live.current.announcedReveal = true;
        announceResults(step, mine);
      }
      live.current.results.hidden = false;
    } else {
      live.current.results.hidden = true;
      replace(live.current.results);
    }
    renderResultCard(step);
  }

  /**
   * After a quiz question is revealed, the phone's first view is the outcome: a card at the top
   * with ✓ or ✕, the right answer, the explanation, and in competitive mode the points and
   * place. The greyed-out form goes away (the results below still name every option).
   */
  function renderResultCard(step) {
    const revealed = Boolean(live.state.session.revealed && Array.isArray(step.correct));
    if (live.current.form) live.current.form.hidden = revealed;
    if (live.current.closedNote && revealed) live.current.closedNote.hidden = true;
    if (!revealed) {
      if (live.current.card) live.current.card.remove();
      live.current.card = null;
      return;
    }
    const mine = ownValue(step.id);
    const points =
      live.state.session.competitive && score() && typeof score().points === "number"
        ? el("p", { class: "result-points", text: format(strings.score, { points: numbers.format(score().points), rank: numbers.format(score().rank) }) })
        : null;
    const card = el(
      "section",
      ui(step, { class: "result-card", id: "result-card", "aria-labelledby": "result-card-heading", tabindex: "-1" }),
      el("h3", { id: "result-card-heading", class: "visually-hidden", text: strings.your_result }),
      verdict(step, mine),
      points,
      renderExplanation(step, strings, "h4"),
    );
    const first = !live.current.card;
    if (live.current.card) live.current.card.replaceWith(card);
    else view.stepBody.querySelector("#step-prompt").after(card);
    live.current.card = card;
    if (first) {
      // Brought into view, as the answer itself would be; the focus follows only if it was in
      // the step already (a screen reader hears the verdict from the announcer anyway).
      card.scrollIntoView({ block: "start" });
      window.scrollBy(0, -8);
    }
  }

  /** The results have just been shown: say so, and for a quiz whether the answer was right. */
  function announceResults(step, mine) {
    const note = verdict(step, mine);
    const lines = note ? [...note.children].map((line) => line.textContent.replace(/^[✓✕]\s*/, "")) : [];
    announce(view.announcer, lines.length ? `${strings.results}. ${lines.join(" ")}` : strings.results);
  }

  /** After a quiz is revealed: whether the participant's answer was right, and the right one. */
  function verdict(step, mine) {
    if (!Array.isArray(step.correct)) return null;
    const right = (step.options || []).filter((option) => isCorrect(step, option));
    const answer = el("p", { text: format(strings.correct_answer, { answer: right.map((o) => o.text).join(", ") }) });
    if (mine === null || mine === undefined) return el("div", { class: "verdict" }, answer);
    const given = new Set((Array.isArray(mine) ? mine : [mine]).map(String));
    const ok = given.size === right.length && right.every((option) => given.has(String(option.id)));
    return el(
      "div",
      { class: ok ? "verdict verdict-right" : "verdict verdict-wrong" },
      el("p", { class: "verdict-text" }, el("span", { "aria-hidden": "true", text: ok ? "✓ " : "✕ " }), ok ? strings.answered_right : strings.answered_wrong),
      ok ? null : answer,
    );
  }

  /** The participant's own answer, as the step's kind shows it (preselected choices, the list of
   * their contributions, their ranking). */
  function renderOwn() {
    if (!live.current || !live.current.own) return;
    const { step } = live.current;
    const kind = kindOf(step.kind);
    if (!kind.own) return;
    const waiting = outbox.entries.filter((entry) => entry.step === step.id);
    kind.own(phone, live.current, step, { mine: ownValue(step.id), waiting });
  }

  return { renderStep, updateStep, renderOwn };
}
