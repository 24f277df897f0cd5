"""The bare baseline: a minimal Flask-SocketIO gevent server that only does what the Socket.IO
stack itself must do for a live session — join a room, broadcast to it, acknowledge answers.

It speaks the same ``/live`` event names and ack shapes as facilitate, so the same load
generator drives both. Run as deployed: ``gunicorn -k gevent -w 1 bench.baseline:app``.
No database, no validation, no snapshots: what facilitate adds on top is the difference.
"""

import itertools

from flask import Flask, request
from flask_socketio import SocketIO, join_room

NAMESPACE = "/live"

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*")
_ids = itertools.count(1)


@socketio.on("join", namespace=NAMESPACE)
def on_join(data):
    join_room(data["code"])
    return {"ok": True, "token": "t", "participant": {"id": next(_ids)}, "state": None}


@socketio.on("answer", namespace=NAMESPACE)
def on_answer(data):
    return {"ok": True, "duplicate": False}


@app.post("/broadcast")
def broadcast():
    """The leader's action: one ``state`` event to everyone in the room."""
    body = request.get_json()
    socketio.emit("state", body["state"], to=body["room"], namespace=NAMESPACE)
    return {"ok": True}


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
