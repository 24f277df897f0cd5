// On someone's behalf (/sessions/<id>/behalf, the phone view's `config.behalf`): the leader
// enters the answers of people without a phone, one person at a time. The person is kept (per
// session) so that a reload goes on with the same one. `live` is the page's shared state (see
// participant.js).
import { announce, el, format, replace, show } from "./dom.js";
import { request, RETRY_DELAY } from "./live.js";

/** Wire the person menu; returns {actAs, madePerson} (actAs is called on every connect). */
export function behalfDesk({ live, socket, storage, keys, answers, outbox, view, strings, showAlert, renderEnded, applyState, session: behalf }) {
  let acting = false;
  // A choice made while the server still answers the one before (a name typed right after
  // "Ny person" was chosen): it runs as soon as that answer is in, and wins; never dropped.
  let later = null;

  /**
   * Act as `target`: a person's id, or null for a new person (named `name`), who the server
   * makes only with their first answer, so that choosing nobody in particular adds nobody.
   * Without arguments: the kept person.
   */
  async function actAs({ target = live.person, name = null } = {}) {
    if (!socket.connected) {
      if (!acting) live.switching = false; // nothing in flight; the next connect acts again
      return null;
    }
    // Nothing leaves the outbox while the server learns who answers: the server handles a
    // connection's events side by side, so an answer sent now could be stored for the person
    // before (a new person's first answer without the name just typed).
    live.switching = true;
    if (acting) {
      later = { target, name };
      return null;
    }
    acting = true;
    const payload = { session: behalf };
    if (target !== null && target !== undefined) payload.person = target;
    else if (name) payload.name = name;
    const ack = await request(socket, "behalf", payload);
    acting = false;
    if (later) {
      const choice = later;
      later = null;
      return actAs(choice);
    }
    live.switching = false;
    if (!ack) {
      window.setTimeout(() => actAs({ target, name }), RETRY_DELAY);
      return null;
    }
    if (!ack.ok) {
      if (ack.error === "unknown_person") return actAs({ target: null });
      showAlert(ack.message);
      if (ack.error === "session_ended") renderEnded();
      else if (ack.error === "unavailable") window.setTimeout(() => actAs({ target, name }), RETRY_DELAY * 2);
      return ack;
    }
    live.people = Array.isArray(ack.people) ? ack.people : live.people;
    becomePerson(ack.participant ? ack.participant.id : null);
    live.joined = true;
    live.participant = ack.participant;
    showAlert("");
    renderBehalf();
    applyState(ack.state, true);
    outbox.reconnected();
    return ack;
  }

  /** From now on the answers are `id`'s (null: a new person, not made yet). */
  function becomePerson(id) {
    if (id !== live.person || answers.data.person !== live.person) {
      live.person = id;
      storage.set(keys.person, live.person);
      answers.reset(answers.data.session, live.person);
    }
  }

  /** The first answer of a new person made them: they are the person answered for now. */
  function madePerson(ack) {
    const made = ack.participant;
    outbox.update((entry) => {
      if (entry.person === null) entry.person = made.id;
    });
    live.person = made.id;
    storage.set(keys.person, live.person);
    answers.data.person = live.person;
    answers.save();
    live.participant = made;
    live.people = Array.isArray(ack.people) ? ack.people : [...live.people, { id: made.id, name: made.name, number: null }];
    renderBehalf();
    announce(view.announcer, format(strings.behalf_now, { name: personName(live.participant) }));
  }

  function personName(who) {
    if (!who) return strings.behalf_new_person;
    const known = live.people.find((p) => p.id === who.id) || who;
    return known.name || format(strings.person_fallback, { n: known.number ?? who.id });
  }

  function renderBehalf() {
    if (!behalf || !view.behalf) return;
    show(view.behalf, true);
    view.behalfWho.textContent = live.participant ? format(strings.behalf_for, { name: personName(live.participant) }) : strings.behalf_for_new;
    const options = [
      el("option", { value: "", text: strings.behalf_new_option }),
      ...live.people.map((p) => el("option", { value: String(p.id), text: personName(p) })),
    ];
    replace(view.behalfPerson, options);
    view.behalfPerson.value = live.participant ? String(live.participant.id) : "";
    show(view.behalfNameField, !live.participant);
  }

  if (behalf && view.behalf) {
    view.behalfPerson.addEventListener("change", async () => {
      const chosen = view.behalfPerson.value ? Number(view.behalfPerson.value) : null;
      if (outbox.length) {
        // What waits to be sent is the present person's: it must go first.
        showAlert(strings.behalf_wait);
        renderBehalf();
        outbox.flush();
        return;
      }
      if (!socket.connected) {
        showAlert(strings.offline_retry);
        renderBehalf();
        return;
      }
      if (chosen === null) view.behalfName.value = "";
      const ack = await actAs({ target: chosen });
      if (ack && ack.ok) announce(view.announcer, format(strings.behalf_now, { name: personName(live.participant) }));
    });
    // A new person's name goes along with their first answer: it is told to the server as soon
    // as it is typed (on leaving the field), before anything is sent.
    view.behalfName.addEventListener("change", () => {
      if (live.participant) return;
      actAs({ target: null, name: view.behalfName.value.trim() || null });
    });
  }

  return { actAs, madePerson };
}
