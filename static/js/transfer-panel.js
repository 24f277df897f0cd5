// The console's "Till regionen" block appears once the session has ended: console.js tells
// the page the session's status with a `session-status` event on the document.
const panel = document.getElementById("transfer-panel");

document.addEventListener("session-status", (event) => {
  if (panel) panel.hidden = event.detail !== "ended";
});
