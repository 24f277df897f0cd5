"""Load generator and benchmark of facilitate against a bare Flask-SocketIO baseline."""
