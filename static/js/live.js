// The connection to the /live namespace and the visible connection indicator.
// See docs/protocol.md: every client event is sent with an acknowledgement callback.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";

import { announce } from "./dom.js";

/** How long to wait for an acknowledgement before treating it as lost (milliseconds). */
export const ACK_TIMEOUT = 5000;

/** How long to wait before retrying something the server could not do just now. */
export const RETRY_DELAY = 5000;

/** What each socket's indicator does when an acknowledgement comes in time (true) or not. */
const heard = new WeakMap();

/**
 * Connect to /live (same origin; the login cookie goes along with the handshake) and keep the
 * indicator up to date. `strings` has `connecting`, `connected`, `reconnecting`, `disconnected`
 * and `offline` (the browser says the network is gone).
 * socket.io reconnects by itself; `onConnect` runs on the first connect and on every reconnect.
 */
export function connect({ indicator, strings, onConnect }) {
  const socket = io("/live", { autoConnect: false });
  const label = indicator ? indicator.querySelector(".connection-text") : null;
  let shown = null;

  function indicate(state) {
    if (!indicator || state === shown) return;
    shown = state;
    indicator.dataset.state = state;
    if (label) announce(label, strings[state]);
  }

  socket.on("connect", () => {
    indicate("connected");
    onConnect(socket);
  });
  socket.on("disconnect", (reason) => {
    if (socket.active) {
      indicate("reconnecting");
    } else {
      // The server closed the connection on purpose (e.g. a restart): try again ourselves.
      indicate("disconnected");
      window.setTimeout(() => socket.connect(), RETRY_DELAY);
    }
  });
  socket.on("connect_error", () => {
    indicate(socket.active ? "reconnecting" : "disconnected");
    if (!socket.active) window.setTimeout(() => socket.connect(), RETRY_DELAY);
  });
  socket.io.on("reconnect_attempt", () => indicate(navigator.onLine === false ? "offline" : "reconnecting"));
  socket.io.on("reconnect_failed", () => indicate("disconnected"));
  // The connection can look open for half a minute after the network went (until a ping is
  // missed): the browser knows at once, and so does an acknowledgement that never comes.
  window.addEventListener("offline", () => indicate("offline"));
  window.addEventListener("online", () => {
    indicate("reconnecting");
    // The old connection may have died meanwhile: start a fresh one now (the phone resumes
    // with its token) rather than wait for a missed ping or the next retry.
    if (socket.connected) socket.io.engine.close();
    else if (!socket.active) socket.connect();
  });
  // An acknowledgement that never came: the badge stops saying "connected" (socket.io
  // reconnects by itself once its ping is missed); the next one that comes says it again.
  heard.set(socket, (answered) => {
    if (!socket.connected) return;
    if (answered) indicate(navigator.onLine === false ? "offline" : "connected");
    else indicate(navigator.onLine === false ? "offline" : "reconnecting");
  });

  indicate("connecting");
  socket.connect();
  return socket;
}

/**
 * Emit `event` and wait for its acknowledgement: the ack object, or null when the socket is not
 * connected or no ack came within `timeout` (the outcome is then unknown).
 */
export function request(socket, event, payload, timeout = ACK_TIMEOUT) {
  return new Promise((resolve) => {
    if (!socket.connected || navigator.onLine === false) {
      // Not buffered: the caller resends after the next connect, in its own order.
      resolve(null);
      return;
    }
    socket.timeout(timeout).emit(event, payload, (err, ack) => {
      heard.get(socket)?.(!err);
      if (err) resolve(null);
      else resolve(ack && typeof ack === "object" ? ack : { ok: false, error: "invalid_payload" });
    });
  });
}
