// What the phone keeps of the server's truth: the answers it has had acknowledged, by step, the
// contributions it has upvoted and the statements it has proposed — so that a reload, or a phone
// offline for a while, still shows the participant their own answers. No DOM: tested under Node
// (tests/js/answers.test.mjs) beside the outbox, whose acknowledgements end up here.

/** An own contribution as the server sends it; lists of plain texts (older storage) too. */
export function contributionList(value) {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === "string" ? { id: null, submission_id: null, text: item } : { ...item }));
}

/**
 * The acknowledged answers in `storage` at `key`: {session, person, steps: {stepId: value},
 * voted: {stepId: [contribution ids]}, proposals: {stepId: [texts]}}. For steps with several
 * answers (open, word cloud) the value is the list of own contributions, [{id, submission_id,
 * text, hidden, pending, merged}] (`id` is null until the server has said it); for statements
 * {statementId: reaction}; else the answer itself.
 */
export class Answers {
  constructor(storage, key, person = null) {
    this.storage = storage;
    this.key = key;
    this.data = { ...Answers.empty(null, person), ...storage.get(key, {}) };
  }

  static empty(session = null, person = null) {
    return { session, person, steps: {}, voted: {}, proposals: {} };
  }

  save() {
    this.storage.set(this.key, this.data);
  }

  /** Start afresh (a new participant, another person answered for), in `session`. */
  reset(session = this.data.session, person = this.data.person) {
    this.data = Answers.empty(session, person);
    this.save();
  }

  /** A snapshot of another session than the kept one: what was kept is not its. */
  forSession(session) {
    if (this.data.session !== session) this.reset(session);
  }

  /** The own answer to `stepId`, or null. */
  own(stepId) {
    return stepId in this.data.steps ? this.data.steps[stepId] : null;
  }

  voted(stepId) {
    return this.data.voted[stepId] || [];
  }

  proposals(stepId) {
    return this.data.proposals[stepId] || [];
  }

  /** The server's truth from a join or sync snapshot: its `answer` (and `voted`) for `step`. */
  fromSnapshot(step, answer, voted, several) {
    if (answer === null || answer === undefined || (Array.isArray(answer) && !answer.length && several)) delete this.data.steps[step.id];
    else this.data.steps[step.id] = answer;
    if (Array.isArray(voted)) this.data.voted[step.id] = voted;
    this.save();
  }

  /**
   * Keep what the server has acknowledged for outbox `entry` (ack: its acknowledgement).
   * `several`: the step takes several answers; `pending`: a new contribution waits for the
   * leader's approval.
   */
  remember(entry, ack, { several = false, pending = false } = {}) {
    const { step } = entry;
    const steps = this.data.steps;
    if (entry.event === "answer") {
      if (several) {
        const id = typeof ack.contribution === "number" ? ack.contribution : null;
        steps[step] = [...contributionList(steps[step]), { id, submission_id: entry.submission_id, text: entry.value, hidden: false, pending, merged: false }];
      } else if (entry.statement) {
        const reactions = steps[step] && typeof steps[step] === "object" && !Array.isArray(steps[step]) ? steps[step] : {};
        steps[step] = { ...reactions, [entry.statement]: entry.value };
      } else {
        steps[step] = entry.value;
      }
    } else if (entry.event === "edit") {
      steps[step] = contributionList(steps[step]).map((item) => (item.submission_id === entry.submission_id ? { ...item, text: entry.value } : item));
    } else if (entry.event === "withdraw") {
      steps[step] = contributionList(steps[step]).filter((item) => item.submission_id !== entry.submission_id);
    } else if (entry.event === "upvote") {
      this.data.voted[step] = [...new Set([...this.voted(step), entry.contribution])];
    } else if (entry.event === "propose") {
      this.data.proposals[step] = [...this.proposals(step), entry.text];
    }
    this.save();
  }

  /** An own contribution among the room's (`contributions`) is visible: not hidden, waiting or
   * merged any more. */
  reconcile(stepId, contributions) {
    const own = this.own(stepId);
    if (!Array.isArray(contributions) || !Array.isArray(own)) return;
    const shown = new Set(contributions.map((c) => c.id));
    let changed = false;
    const items = contributionList(own).map((item) => {
      if (!shown.has(item.id) || !(item.hidden || item.pending || item.merged)) return item;
      changed = true;
      return { ...item, hidden: false, pending: false, merged: false };
    });
    if (changed) {
      this.data.steps[stepId] = items;
      this.save();
    }
  }

  /**
   * Whether the picture of the own contributions to `stepId` may be out of date after a
   * broadcast (which carries no own answers): one waits for approval, is hidden or merged (the
   * leader may have changed that), has no id yet, or was visible and is no longer among the
   * room's `contributions` (null: the room's are not shown).
   */
  unsure(stepId, contributions) {
    const own = contributionList(this.own(stepId));
    if (!own.length) return false;
    if (own.some((item) => item.id === null || item.id === undefined || item.hidden || item.pending || item.merged)) return true;
    if (!contributions) return false;
    const shown = new Set(contributions.map((c) => c.id));
    return own.some((item) => !shown.has(item.id));
  }
}
