"""Study circles and dialogue groups: a name, a municipality, an organiser, a leader and the
module they follow. Sessions are their meetings."""
