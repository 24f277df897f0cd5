// Joining, on the phone view (participant.js): by the session's code, resuming with the token
// kept on the phone, with a name (optional; a table group's name in team mode) and, in a
// circle, the opt-in circle token. `live` is the page's shared state (see participant.js).
import { show } from "./dom.js";
import { request, RETRY_DELAY } from "./live.js";

/** Wire the join form; returns {join} (called on every connect). */
export function joinForm({ live, socket, storage, keys, answers, outbox, view, strings, showAlert, renderEnded, applyState, code, locale, circleKey }) {
  let joining = false;

  async function join() {
    if (!live.wantJoin || joining || !socket.connected) return;
    joining = true;
    const payload = { code, locale };
    if (live.token) payload.token = live.token;
    if (live.pendingName) payload.name = live.pendingName;
    const circleToken = circleKey ? storage.get(circleKey, null) : null;
    if (circleToken) payload.circle_token = circleToken;
    else if (circleKey && document.getElementById("recognise")?.checked) payload.recognise = true;
    const ack = await request(socket, "join", payload);
    joining = false;
    if (!ack) {
      window.setTimeout(join, RETRY_DELAY);
      return;
    }
    if (!ack.ok) {
      joinFailed(ack);
      return;
    }
    if (circleKey && ack.circle && ack.circle.token) storage.set(circleKey, ack.circle.token);
    if (ack.token !== live.token) {
      // A new participant (first join, or a token the server did not know): start afresh.
      live.token = ack.token;
      storage.set(keys.token, live.token);
      answers.reset(null, live.person);
      outbox.clear();
    }
    live.pendingName = null;
    live.joined = true;
    live.participant = ack.participant;
    showAlert("");
    applyState(ack.state, true);
    outbox.reconnected();
  }

  function joinFailed(ack) {
    showAlert(ack.message);
    if (ack.error === "name_required") {
      // Team mode: one phone per table group, joining under the group's name.
      live.wantJoin = false;
      askForGroupName(ack.message);
    } else if (ack.error === "session_ended") {
      renderEnded();
    } else if (ack.error === "unavailable" || ack.error === "rate_limited") {
      window.setTimeout(join, RETRY_DELAY * 2);
    } else if (!live.token) {
      // The name did not go through (too long, not understood): let them try again.
      live.wantJoin = false;
      show(view.join, true);
      view.name.setAttribute("aria-invalid", "true");
      view.name.setAttribute("aria-describedby", "name-hint alert");
      view.name.focus();
    }
  }

  /** The message that asks for the group's name (team mode), once the server has asked for it. */
  let groupNameMessage = null;

  function askForGroupName(message) {
    groupNameMessage = message || groupNameMessage;
    view.nameLabel.textContent = strings.group_name;
    view.nameHint.textContent = strings.group_hint;
    view.name.required = true;
    view.name.setAttribute("aria-required", "true");
    view.name.setAttribute("autocomplete", "off");
    show(view.join, true);
    view.name.setAttribute("aria-invalid", "true");
    view.name.setAttribute("aria-describedby", "name-hint alert");
    view.name.focus();
  }

  view.joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    live.pendingName = view.name.value.trim() || null;
    if (view.name.required && !live.pendingName) {
      askForGroupName(null);
      showAlert(groupNameMessage);
      return;
    }
    view.name.removeAttribute("aria-invalid");
    live.wantJoin = true;
    show(view.join, false);
    join();
  });

  if (!live.wantJoin) show(view.join, true);

  return { join };
}
