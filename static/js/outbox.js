// The phone's outbox: "never lose an answer". Everything a participant sends (answers, edits,
// withdrawals, upvotes, proposals) is first kept in storage (localStorage on a phone), then sent
// oldest first; an entry leaves the outbox only when the server has acknowledged it or refused
// it for good. A lost acknowledgement, a busy server or a connection that lost its identity keep
// it for a resend, after a growing pause (backoff), after a reconnect, or after a reload — the
// next page builds a new Outbox over the same storage. Every entry carries one submission id from
// the moment it is made, so a resend of something already stored is recognised by the server and
// stored once (docs/protocol.md, "Submission ids").
//
// No DOM and no socket here: the page gives `send(entry)` (the acknowledgement, or null when
// none came) and callbacks for what the participant is told. Tested under Node: tests/js/.

/** The payload of each event (docs/protocol.md). */
export const PAYLOADS = {
  answer: (e) => ({ step: e.step, value: e.value, submission_id: e.submission_id, ...(e.statement ? { statement: e.statement } : {}) }),
  edit: (e) => ({ step: e.step, submission_id: e.submission_id, value: e.value }),
  withdraw: (e) => ({ step: e.step, submission_id: e.submission_id }),
  upvote: (e) => ({ step: e.step, contribution: e.contribution }),
  propose: (e) => ({ step: e.step, text: e.text, submission_id: e.submission_id }),
};

/** Error codes after which the entry is kept and sent again later: the server could not take
 * it just now. Every other refusal is final (the entry is dropped and the participant told). */
export const RETRY_ERRORS = new Set(["unavailable"]);

/**
 * What an acknowledgement means for its entry: "done" (stored; a resent upvote that had gone
 * through is answered `already_voted`), "lost" (no acknowledgement came: the outcome is unknown,
 * so it is kept), "retry" (the server could not take it now: kept), "rejoin" (the connection lost
 * its identity: kept, the page joins again) or "final" (refused for good: dropped).
 */
export function outcome(entry, ack) {
  if (!ack) return "lost";
  if (ack.ok || (entry.event === "upvote" && ack.error === "already_voted")) return "done";
  if (RETRY_ERRORS.has(ack.error)) return "retry";
  if (ack.error === "not_joined") return "rejoin";
  return "final";
}

/** A fresh submission id (protocol: 1–64 of A–Z a–z 0–9 _ -). */
export function newSubmissionId(crypto = globalThis.crypto) {
  if (crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID().replace(/-/g, "");
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

/**
 * JSON storage over `backend()` (a Web Storage: `() => window.localStorage`) that falls back to
 * memory where storage is blocked or full (some private modes): get(key, fallback), set(key, value).
 */
export function createStorage(backend) {
  const memory = new Map();
  return {
    get(key, fallback) {
      try {
        const raw = backend().getItem(key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return memory.has(key) ? memory.get(key) : fallback;
      }
    },
    set(key, value) {
      memory.set(key, value);
      try {
        backend().setItem(key, JSON.stringify(value));
      } catch {
        /* memory only */
      }
    },
  };
}

/** The pause before the first resend, and the longest (milliseconds); each failure doubles it. */
export const BACKOFF = { first: 2000, longest: 30000 };

/**
 * The outbox over `storage` (see createStorage) at `key`. Options:
 * - `send(entry)` → Promise of the acknowledgement object, or null when none came;
 * - `ready()` → whether sending makes sense now (joined on a live connection);
 * - `stale(entry)` → whether an entry is no longer wanted (another session, another person):
 *   dropped unsent;
 * - `on`: callbacks, all optional — `queued()` (waiting for the connection), `sending(entry)`,
 *   `done(entry, ack)` (return true when the page should ask the server for its view),
 *   `kept(entry, ack, why)` (why: "lost" | "retry" | "rejoin"), `refused(entry, ack)` (return
 *   true to ask the server for its view), `idle(needSync)` (a flush is over);
 * - `backoff` ({first, longest}), `timers` ({setTimeout, clearTimeout}), `random()` (0–1, spreads
 *   the resends of many phones), `newId()`.
 */
export class Outbox {
  constructor({ storage, key, send, ready = () => true, stale = () => false, on = {}, backoff = BACKOFF, timers = globalThis, random = Math.random, newId = newSubmissionId }) {
    Object.assign(this, { storage, key, send, ready, stale, on, backoff, timers, random, newId });
    // Entries of an earlier version of the page (answers only) have no `event` and no `key`.
    const stored = storage.get(key, []);
    this.list = (Array.isArray(stored) ? stored : []).filter((e) => e && typeof e === "object").map((e) => ({ event: "answer", key: e.submission_id, ...e }));
    this.flushing = null;
    this.again = false;
    this.failures = 0;
    this.timer = null;
  }

  /** How many entries wait. */
  get length() {
    return this.list.length;
  }

  /** The waiting entries, oldest first (a copy). */
  get entries() {
    return this.list.slice();
  }

  save() {
    this.storage.set(this.key, this.list);
  }

  /**
   * Keep a new entry: {key, ...fields}, `fields` = {event, session, step, ...} (see PAYLOADS).
   * Answers and proposals get their own submission id, the same for every resend; edits and
   * withdrawals name the contribution's; upvotes have none. Returns the entry (not yet sent).
   */
  add(fields) {
    const id = this.newId();
    const entry = { key: id, ...fields };
    if ((entry.event === "answer" || entry.event === "propose") && !entry.submission_id) entry.submission_id = id;
    this.list.push(entry);
    this.save();
    return entry;
  }

  /** Change waiting entries in place (`change(entry)`), then keep them. */
  update(change) {
    for (const entry of this.list) change(entry);
    this.save();
  }

  remove(key) {
    this.list = this.list.filter((e) => e.key !== key);
    this.save();
  }

  /** Forget everything waiting (a new participant, a session that takes no more answers). */
  clear() {
    this.list = [];
    this.save();
    this.cancelRetry();
  }

  /** The pause before the next resend after `failures` failures in a row, spread by ±20 %. */
  delay(failures = this.failures) {
    const base = Math.min(this.backoff.first * 2 ** Math.max(failures - 1, 0), this.backoff.longest);
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /** A new connection (or the network back): resend at once, the backoff starts over. */
  reconnected() {
    this.failures = 0;
    this.cancelRetry();
    return this.flush();
  }

  cancelRetry() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  scheduleRetry() {
    if (this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (this.list.length) this.flush();
    }, this.delay());
  }

  /**
   * Send everything waiting, oldest first (for a poll the last one sent is the one that counts),
   * one at a time; stop at the first that must wait. A flush asked for while one runs makes that
   * one go round again. Resolves when done, with whether the server's view is worth fetching.
   */
  flush() {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async run() {
    const on = this.on;
    let needSync = false;
    do {
      this.again = false;
      for (const entry of this.entries) {
        if (!this.list.includes(entry)) continue; // gone meanwhile (cleared, or a new participant)
        if (!this.ready()) {
          on.queued?.();
          break;
        }
        if (this.stale(entry) || !(entry.event in PAYLOADS)) {
          this.remove(entry.key);
          continue;
        }
        on.sending?.(entry);
        const ack = await this.send(entry);
        const what = outcome(entry, ack);
        if (what === "done" || what === "final") {
          this.remove(entry.key);
          this.failures = 0;
          if ((what === "done" ? on.done : on.refused)?.(entry, ack)) needSync = true;
          continue;
        }
        this.failures += 1;
        on.kept?.(entry, ack, what);
        this.scheduleRetry();
        break;
      }
    } while (this.again);
    on.idle?.(needSync);
    return needSync;
  }
}
