// Fakes at the boundaries the outbox does not own: Web Storage, the server behind the socket,
// and the clock. Each behaves as the real one does for what the outbox relies on.

/** A Web Storage (getItem/setItem of strings) that can be made to throw, as blocked storage does. */
export class FakeStorage {
  constructor() {
    this.items = new Map();
    this.blocked = false;
  }
  getItem(key) {
    if (this.blocked) throw new Error("SecurityError");
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    if (this.blocked) throw new Error("QuotaExceededError");
    this.items.set(key, String(value));
  }
}

/**
 * The server behind the socket, as docs/protocol.md describes it: an answer is stored once per
 * submission id (a resend gets `duplicate: true`), an upvote once per contribution. `online`
 * false: nothing arrives (send resolves null, as `request` does offline). `loseAcks` n: the next
 * n events are stored but their acknowledgements are lost. `refuse`: {event: error code} answers
 * that event with an error (and stores nothing).
 */
export class FakeServer {
  constructor() {
    this.stored = [];
    this.received = [];
    this.online = true;
    this.loseAcks = 0;
    this.refuse = {};
    this.votes = new Set();
  }
  send = async (entry) => {
    await Promise.resolve(); // an acknowledgement never comes back synchronously
    if (!this.online) return null;
    this.received.push(entry);
    if (this.refuse[entry.event]) return { ok: false, error: this.refuse[entry.event], message: `refused: ${this.refuse[entry.event]}` };
    let ack;
    if (entry.event === "upvote") {
      ack = this.votes.has(entry.contribution) ? { ok: false, error: "already_voted" } : { ok: true };
      this.votes.add(entry.contribution);
    } else {
      const duplicate = this.stored.some((s) => s.submission_id === entry.submission_id && s.event === entry.event);
      if (!duplicate) this.stored.push(entry);
      ack = { ok: true, duplicate };
    }
    if (this.loseAcks > 0) {
      this.loseAcks -= 1;
      return null;
    }
    return ack;
  };
}

/** setTimeout/clearTimeout that run only when told to (`runAll`), recording each delay. */
export class FakeTimers {
  constructor() {
    this.pending = new Map();
    this.delays = [];
    this.next = 1;
  }
  setTimeout = (callback, delay) => {
    const id = this.next++;
    this.pending.set(id, callback);
    this.delays.push(delay);
    return id;
  };
  clearTimeout = (id) => {
    this.pending.delete(id);
  };
  runAll() {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
  }
}

/** Let every pending promise settle. */
export async function settle() {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
