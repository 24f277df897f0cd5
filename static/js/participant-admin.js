// The console's "who may be in the session" block (templates/sessions/_participant_admin.html):
// lock the session to new joins (`settings` with `joins_locked`) and remove a participant
// (`remove`). Self-contained: it follows the session on its own /live connection, so the rest
// of the console does not need to know about it. See docs/protocol.md.
import { announce, el, format, readJson, replace } from "./dom.js";
import { connect, request, RETRY_DELAY } from "./live.js";

const root = document.getElementById("participant-admin");
if (root) start();

function start() {
  const strings = readJson("participant-admin-strings");
  const { session: sessionId } = readJson("config");
  const lock = document.getElementById("joins-locked");
  const list = document.getElementById("participant-admin-list");
  const status = document.getElementById("participant-admin-status");
  const error = document.getElementById("participant-admin-error");
  let people = [];

  const socket = connect({ indicator: null, strings, onConnect: follow });
  socket.on("host_state", render);
  socket.on("tally", (tally) => {
    if (Array.isArray(tally.participants)) renderPeople(tally.participants);
  });

  async function follow() {
    const ack = await request(socket, "host", { session: sessionId });
    if (!ack) {
      window.setTimeout(follow, RETRY_DELAY);
      return;
    }
    if (!ack.ok) {
      announce(error, ack.message);
      return;
    }
    render(ack.state);
  }

  function render(state) {
    lock.checked = Boolean(state.session && state.session.joins_locked);
    lock.disabled = Boolean(state.session && state.session.status === "ended");
    if (Array.isArray(state.participants)) renderPeople(state.participants);
  }

  function nameOf(person) {
    const name = person.name || format(strings.unnamed, { id: person.id });
    return person.proxy ? `${name} (${strings.proxy})` : name;
  }

  function renderPeople(participants) {
    people = participants;
    if (!people.length) {
      replace(list, el("li", { class: "muted", text: strings.none }));
      return;
    }
    replace(
      list,
      ...people.map((person) =>
        el(
          "li",
          {},
          el("span", { text: nameOf(person) }),
          " ",
          el("button", {
            type: "button",
            class: "button button-small button-secondary",
            "data-remove": String(person.id),
            "aria-label": format(strings.remove_label, { name: nameOf(person) }),
            text: strings.remove,
          }),
        ),
      ),
    );
  }

  list.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) return;
    const person = people.find((p) => String(p.id) === button.dataset.remove);
    if (!person || !window.confirm(format(strings.confirm_remove, { name: nameOf(person) }))) return;
    button.disabled = true;
    const ack = await request(socket, "remove", { session: sessionId, participant: person.id });
    if (!ack || !ack.ok) {
      button.disabled = false;
      announce(error, ack ? ack.message : strings.disconnected);
      return;
    }
    announce(error, "");
    announce(status, format(strings.removed, { name: nameOf(person) }));
    render(ack.state);
  });

  lock.addEventListener("change", async () => {
    const wanted = lock.checked;
    const ack = await request(socket, "settings", { session: sessionId, joins_locked: wanted });
    if (!ack || !ack.ok) {
      lock.checked = !wanted;
      announce(error, ack ? ack.message : strings.disconnected);
      return;
    }
    announce(error, "");
    announce(status, wanted ? strings.locked : strings.unlocked);
    render(ack.state);
  });
}
