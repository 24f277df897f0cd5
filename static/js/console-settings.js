// The leader console's settings (console.js): timer, extra time, competitive and team mode,
// premoderation, live results, languages. Each change is sent at once (`settings`,
// docs/protocol.md); the next snapshot shows what holds.
import { announce, el, format, replace } from "./dom.js";
import { request } from "./live.js";

const TIMER_CHOICES = [null, 15, 30, 60, 90];
const EXTRA_TIME_CHOICES = [1, 1.5, 2, 3];

/** Wire the settings form (`view.settingsForm`); `state()` is the latest snapshot, `render` takes
 * the one a change brings back. Returns {render(session)}. */
export function settingsPanel({ view, strings, numbers, socket, sessionId, state, render }) {
  const settingInputs = Object.fromEntries([...view.settingsForm.elements].filter((input) => input.name).map((input) => [input.name, input]));

  function fillSelects() {
    replace(
      settingInputs.timer_seconds,
      TIMER_CHOICES.map((seconds) =>
        el("option", {
          value: seconds === null ? "" : String(seconds),
          text: seconds === null ? strings.timer_none : format(strings.timer_option, { seconds: numbers.format(seconds) }),
        }),
      ),
    );
    replace(
      settingInputs.extra_time,
      EXTRA_TIME_CHOICES.map((factor) =>
        el("option", { value: String(factor), text: format(strings.extra_option, { factor: numbers.format(factor) }) }),
      ),
    );
  }

  function settingValue(input) {
    if (input.type === "checkbox") return input.checked;
    if (input.name === "timer_seconds") return input.value === "" ? null : Number(input.value);
    if (input.name === "locale") return input.value;
    if (input.name === "second_locale") return input.value || null;
    return Number(input.value);
  }

  view.settingsForm.addEventListener("submit", (event) => event.preventDefault());
  view.settingsForm.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.name || !(input.name in settingInputs)) return;
    view.settingsError.textContent = "";
    announce(view.settingsStatus, "");
    const ack = await request(socket, "settings", { session: sessionId, [input.name]: settingValue(input) });
    if (!ack || !ack.ok) {
      view.settingsError.textContent = ack ? ack.message : strings.no_reply;
      if (state()) renderSettings(state().session); // back to what holds
      return;
    }
    render(ack.state);
    announce(view.settingsStatus, strings.saved);
  });

  function renderSettings(session) {
    const ended = session.status === "ended";
    const { competitive, speed_bonus: speedBonus, team_mode: teamMode, timer_seconds: timer, extra_time: extra, premoderation } = settingInputs;
    premoderation.checked = Boolean(session.premoderation);
    premoderation.disabled = ended;
    settingInputs.hide_live_results.checked = Boolean(session.hide_live_results);
    settingInputs.hide_live_results.disabled = ended;
    competitive.checked = Boolean(session.competitive);
    speedBonus.checked = Boolean(session.speed_bonus);
    teamMode.checked = Boolean(session.team_mode);
    competitive.disabled = ended;
    speedBonus.disabled = ended;
    teamMode.disabled = ended || session.status !== "lobby";
    timer.disabled = ended;
    extra.disabled = ended;
    const seconds = session.timer_seconds ?? null;
    if (seconds !== null && !TIMER_CHOICES.includes(seconds)) {
      // Set elsewhere (the REST API): offer it too, so that the list shows what holds.
      if (![...timer.options].some((option) => option.value === String(seconds))) {
        timer.append(el("option", { value: String(seconds), text: format(strings.timer_option, { seconds: numbers.format(seconds) }) }));
      }
    }
    timer.value = seconds === null ? "" : String(seconds);
    const factor = Number(session.extra_time || 1);
    if (![...extra.options].some((option) => Number(option.value) === factor)) {
      extra.append(el("option", { value: String(factor), text: format(strings.extra_option, { factor: numbers.format(factor) }) }));
    }
    extra.value = [...extra.options].find((option) => Number(option.value) === factor).value;
    settingInputs.locale.value = session.locale || "sv";
    settingInputs.second_locale.value = session.second_locale || "";
    settingInputs.locale.disabled = ended;
    settingInputs.second_locale.disabled = ended;
  }

  fillSelects();
  return { render: renderSettings };
}
