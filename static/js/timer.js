// The step timer (docs/protocol.md, the `session` header): counts down from `deadline`,
// corrected by the offset between the server's clock and this device's at receipt, or stands
// still at `time_left` while paused. No user-visible text lives here.

/** Milliseconds since the epoch of an ISO 8601 time (Python's microseconds are cut to ms). */
export function parseTime(iso) {
  if (!iso) return null;
  const ms = Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? null : ms;
}

/** "m:ss" with the page's digits, e.g. 0:27 or 1:30. */
export function clockText(seconds, lang) {
  const whole = Math.max(0, Math.ceil(seconds));
  const minutes = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const twoDigits = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, maximumFractionDigits: 0, useGrouping: false });
  return `${minutes.format(Math.floor(whole / 60))}:${twoDigits.format(whole % 60)}`;
}

/**
 * A countdown that follows the session header. `onChange({state, seconds, remaining})` runs when
 * the shown whole second or the state changes, and for every new snapshot; `state` is "none"
 * (no timer), "running", "paused" or "expired"; `previous` and `previousSeconds` are what was
 * shown before. It ticks only while a timer runs.
 */
export class Countdown {
  constructor(onChange) {
    this.onChange = onChange;
    this.state = "none";
    this.shown = null;
    this.last = null;
    this.interval = null;
    this.offset = 0;
    this.deadline = null;
    this.frozen = null;
  }

  /** Take a new `session` header (each snapshot carries one). */
  update(session) {
    const server = parseTime(session && session.server_time);
    this.offset = server === null ? 0 : server - Date.now();
    const timed = session && session.time_left !== null && session.time_left !== undefined;
    this.paused = Boolean(timed && session.paused);
    this.deadline = timed && !this.paused ? parseTime(session.deadline) : null;
    this.frozen = timed ? Number(session.time_left) : null;
    this.timed = Boolean(timed);
    this.shown = null; // always report a new snapshot
    this.tick();
    const running = this.state === "running";
    if (running && !this.interval) this.interval = window.setInterval(() => this.tick(), 250);
    if (!running && this.interval) {
      window.clearInterval(this.interval);
      this.interval = null;
    }
  }

  /** Seconds left (fractional), or null without a timer. */
  remaining() {
    if (!this.timed) return null;
    if (this.paused || this.deadline === null) return Math.max(0, this.frozen);
    return Math.max(0, (this.deadline - (Date.now() + this.offset)) / 1000);
  }

  tick() {
    const remaining = this.remaining();
    let state = "none";
    if (remaining !== null) state = remaining <= 0 ? "expired" : this.paused ? "paused" : "running";
    const seconds = remaining === null ? null : Math.ceil(remaining);
    const previous = this.state;
    const previousSeconds = this.last;
    if (state === previous && seconds === this.shown) return;
    this.state = state;
    this.shown = seconds;
    this.last = seconds;
    if (state !== "running" && this.interval) {
      window.clearInterval(this.interval);
      this.interval = null;
    }
    this.onChange({ state, seconds, remaining, previous, previousSeconds });
  }

  get expired() {
    return this.state === "expired";
  }
}

/**
 * Show a countdown in a timer box (the console's and the big screen's): label, time in words
 * and numbers, "paused", and a low-time mark (never colour alone). ``parts`` holds the box and
 * its ``label``, ``value`` and ``state`` elements. Returns false when there is no timer.
 */
export function renderCountdown(parts, strings, lang, timerState, seconds) {
  parts.box.dataset.state = timerState;
  if (timerState === "none") return false;
  const expired = timerState === "expired";
  parts.label.textContent = expired ? strings.time_up : strings.time_left;
  parts.value.textContent = expired ? "" : clockText(seconds, lang);
  parts.state.textContent = timerState === "paused" ? strings.paused : "";
  parts.box.classList.toggle("timer-low", timerState === "running" && seconds <= 10);
  return true;
}
