"""The bare baseline: a minimal Flask app returning a small static page, served like the portal."""

from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=en><title>Baseline</title><p>Hello from the baseline.</p></html>"


@app.get("/")
def index():
    return PAGE
