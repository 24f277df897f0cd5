// A quiz question: like a poll, but with right answers, an explanation and a source; its results
// stay hidden until the leader reveals them.
import { barResults } from "../results.js";
import { blankOptions, buildChoiceForm, choiceFields, choiceGroupAnswer, ownChoice } from "../choice.js";

export default {
  form: buildChoiceForm,
  own: ownChoice,
  results: barResults,
  groupAnswer: choiceGroupAnswer,
  liveResults: false,
  blank(step, { year }) {
    blankOptions(step);
    step.options[0].correct = true;
    Object.assign(step, { explanation: {}, source: { title: "", year } });
  },
  fields(step, path, tools) {
    const { doc, strings, options, multilingual, textField, numberField, getAt, setAt } = tools;
    const source = [...path, "source"];
    return [
      ...choiceFields(step, path, tools, { correct: true }),
      multilingual(doc, [...path, "explanation"], strings.explanation, { ...options(), multiline: true }),
      textField({ path: [...source, "title"], label: strings.source_title, value: getAt(doc, [...source, "title"]), required: true, onValue: (v) => setAt(doc, [...source, "title"], v) }),
      numberField({ path: [...source, "year"], label: strings.source_year, value: getAt(doc, [...source, "year"]), min: 1500, max: 2100, onValue: (n) => setAt(doc, [...source, "year"], n) }),
      textField({ path: [...source, "url"], label: strings.source_url, value: getAt(doc, [...source, "url"]), onValue: (v) => setAt(doc, [...source, "url"], v || undefined) }),
    ];
  },
};
