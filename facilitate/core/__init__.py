"""The ground floor, below every feature: domain errors and their messages, tokens, time,
texts, languages, limits, security headers, and the pages of the whole app (health check,
language choice, errors)."""
