"""Answer questions about the first application on the AT-SPI bus while it runs: each
time the file ASK (argv[1]) appears, write its accessible tree to OUT (argv[2]) and remove
ASK. One `depth|role|name|states|text` line a node (states: selected, expanded, focused;
text: an entry's). Used by tests/connect_browse.rs."""
import os
import sys
import time

import pyatspi

ASK, OUT = sys.argv[1], sys.argv[2]
STATES = [(pyatspi.STATE_SELECTED, "selected"), (pyatspi.STATE_EXPANDED, "expanded"), (pyatspi.STATE_FOCUSED, "focused")]


def first_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.childCount > 0:
            return app
    return None


def walk(node, depth, out):
    try:
        role, name = node.getRoleName(), node.name or ""
        states = node.getState()
        marks = ",".join(m for s, m in STATES if states.contains(s))
        text = ""
        if role == "text":
            try:
                t = node.queryText()
                text = t.getText(0, t.characterCount)
            except Exception as e:
                text = f"(no text: {e})"
    except Exception:
        return
    out.append(f"{depth}|{role}|{name}|{marks}|{text}")
    for i in range(node.childCount):
        walk(node.getChildAtIndex(i), depth + 1, out)


while True:
    if os.path.exists(ASK):
        out = []
        app = first_app()
        if app is not None:
            walk(app, 0, out)
        with open(OUT + ".part", "w") as f:
            f.write("\n".join(out) + "\n")
        os.rename(OUT + ".part", OUT)
        os.remove(ASK)
    time.sleep(0.05)
