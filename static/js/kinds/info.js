// An information step: a title and a text, nothing to answer.
export default {
  passive: true,
  blank(step) {
    delete step.prompt;
    Object.assign(step, { title: {}, body: {} });
  },
  fields(step, path, { doc, strings, options, multilingual }) {
    return [multilingual(doc, [...path, "title"], strings.title, options()), multilingual(doc, [...path, "body"], strings.body, { ...options(), multiline: true })];
  },
};
