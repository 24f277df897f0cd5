// The phone view's timer and points (participant.js): a visible countdown that screen readers
// hear only at ANNOUNCE_AT seconds left, when it is paused and when the time is up — never every
// second; and in competitive mode the participant's points and place (join and sync acks carry
// their own; broadcasts do not).
import { announce, format, plural, show } from "./dom.js";
import { clockText } from "./timer.js";

/** When the remaining time is announced to screen readers (seconds left): once, never more. */
export const ANNOUNCE_AT = 10;

/** The Countdown's callback drawing it into `view.timer`; `changed()` when it runs out or starts
 * again (whether the form takes answers changes). */
export function timerDisplay({ view, strings, locale, numbers, changed }) {
  return function showTimer({ state: timerState, seconds, previous, previousSeconds }) {
    view.timer.dataset.state = timerState;
    show(view.timer, timerState !== "none");
    if (timerState === "none") return;
    const expired = timerState === "expired";
    view.timerLabel.textContent = expired ? strings.time_up : strings.time_left;
    view.timerValue.textContent = expired ? "" : clockText(seconds, locale);
    view.timerState.textContent = timerState === "paused" ? strings.paused : "";
    view.timer.classList.toggle("timer-low", timerState === "running" && seconds <= ANNOUNCE_AT);
    if (timerState === "running" && seconds === ANNOUNCE_AT && previous === "running" && previousSeconds > ANNOUNCE_AT) {
      announce(view.announcer, plural(strings.seconds_left, seconds, { n: numbers.format(seconds) }));
    } else if (timerState === "paused" && previous === "running") {
      announce(view.announcer, strings.timer_paused);
    } else if (expired && previous === "running") {
      announce(view.announcer, strings.time_up_note);
    }
    if (expired !== (previous === "expired")) changed();
  };
}

/** The points badge (`view.score`): {score, render(snapshot)}. */
export function scoreBadge({ view, strings, numbers }) {
  const badge = { score: null };
  /** Whether a quiz question has been revealed since this page opened, or points were earned:
   * before that "0 points (place 1)" would say nothing. */
  let scored = false;
  badge.render = (state) => {
    if (state && state.leaderboard && typeof state.leaderboard.points === "number") badge.score = state.leaderboard;
    if (state && state.session.revealed && state.step && Array.isArray(state.step.correct)) scored = true;
    const { score } = badge;
    if (score && score.points > 0) scored = true;
    const visible = Boolean(state && state.session.competitive && score && scored);
    show(view.score, visible);
    if (visible) view.score.textContent = format(strings.score, { points: numbers.format(score.points), rank: numbers.format(score.rank) });
  };
  return badge;
}
