// A poll: one option or several (`multiple`); the room's counts as bars, live.
import { barResults } from "../results.js";
import { blankOptions, buildChoiceForm, choiceFields, choiceGroupAnswer, ownChoice } from "../choice.js";

export default {
  form: buildChoiceForm,
  own: ownChoice,
  results: barResults,
  groupAnswer: choiceGroupAnswer,
  blank: blankOptions,
  fields: (step, path, tools) => choiceFields(step, path, tools),
};
