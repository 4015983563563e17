"""Print the accessible tree of the first application on the AT-SPI bus, one
`depth|role|name` line a node, as a screen reader would walk it. Used by tests/a11y.rs."""
import sys
import time

import pyatspi


def first_app(timeout):
    end = time.time() + timeout
    while time.time() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.childCount > 0:
                return app
        time.sleep(0.2)
    return None


def walk(node, depth):
    try:
        role, name = node.getRoleName(), node.name or ""
    except Exception:
        return
    print(f"{depth}|{role}|{name}")
    for i in range(node.childCount):
        walk(node.getChildAtIndex(i), depth + 1)


app = first_app(float(sys.argv[1]) if len(sys.argv) > 1 else 10)
if app is None:
    print("no application on the accessibility bus", file=sys.stderr)
    sys.exit(2)
walk(app, 0)
