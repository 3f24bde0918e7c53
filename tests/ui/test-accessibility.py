#!/usr/bin/python3
"""test-accessibility.py — drives the real Conclave window the way a screen
reader or dogtail would: through the accessibility tree (AT-SPI), and from
outside over D-Bus with `gapplication action`.

Clicks "Add Server" and "Add Client" by their accessible names, sees the two
nodes appear (the cluster view's accessible description names every node
with its PID), crashes s1 with `gapplication action … crash-node "'s1'"`,
sees it crashed and its PID gone, then quits the same way and checks that no
process it started is left.

Usage: test-accessibility.py PATH-TO-conclave (run inside dbus-run-session
and an X server; meson does both). TAP output. Without a display or a
session bus it is skipped (exit 77, or a TAP skip plan with --tap), and
fails when CI=true.
"""

import os
import re
import subprocess
import sys
import time

APP_ID = "io.github.conclave.Conclave"
TAP = "--tap" in sys.argv
args = [a for a in sys.argv[1:] if a != "--tap"]
results = []


def skip_all(reason):
    if os.environ.get("CI") == "true":
        print("1..1\nnot ok 1 - cannot run under CI: " + reason)
        sys.exit(1)
    if TAP:
        print("1..0 # SKIP " + reason)
        sys.exit(0)
    print("SKIP: " + reason, file=sys.stderr)
    sys.exit(77)


def check(ok, what):
    results.append((ok, what))
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), what), flush=True)
    return ok


def wait_for(condition, seconds):
    """Polls condition until it returns something true, or seconds pass."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


if not args:
    print("usage: test-accessibility.py PATH-TO-conclave", file=sys.stderr)
    sys.exit(2)
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    skip_all("no display")
if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    skip_all("no session bus")

import gi  # noqa: E402

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402


def accessibility_bus():
    """The address of this session's accessibility bus (started on demand).
    Both the app and this script must use it: an X server that outlived an
    earlier session still advertises that session's bus on its root window."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                          None, GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, 10000, None)
    return reply.unpack()[0]


os.environ["AT_SPI_BUS_ADDRESS"] = accessibility_bus()
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

# Roles whose children are rows of data: never walked (the event log can hold
# thousands of rows, and nothing this test looks for is inside).
SKIP_ROLES = {Atspi.Role.TABLE, Atspi.Role.TREE_TABLE, Atspi.Role.LIST, Atspi.Role.TEXT}


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    if node.get_role() in SKIP_ROLES:
        return
    for i in range(node.get_child_count()):
        yield from walk(node.get_child_at_index(i), depth + 1)


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def find(app, role, name):
    # GTK 4.8 does not report the SHOWING state of widgets, so the first
    # match wins: the header bar comes before the pages.
    for node in walk(app):
        if node.get_role() == role and node.get_name() == name:
            return node
    return None


def cluster_description(app):
    view = find(app, Atspi.Role.IMAGE, "Cluster")
    if view is None:
        return ""
    view.clear_cache()
    return view.get_description() or ""


def click(app, name):
    button = wait_for(lambda: find(app, Atspi.Role.PUSH_BUTTON, name), 10)
    if not check(button is not None, "found the “%s” button by its accessible name" % name):
        return False
    return check(Atspi.Action.do_action(button, 0), "clicked “%s”" % name)


def gapplication(*action):
    return subprocess.run(["gapplication", "action", APP_ID] + list(action),
                          capture_output=True, text=True, timeout=20)


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def node_pids(description):
    return {name: int(pid) for name, pid in re.findall(r"(\w+), [^;]*?PID (\d+)", description)}


def main():
    env = dict(os.environ, GTK_A11Y="atspi")
    app_process = subprocess.Popen([args[0]], env=env)
    try:
        app = wait_for(lambda: find_app(app_process.pid), 20)
        if not check(app is not None, "the window is on the accessibility bus"):
            return
        if not click(app, "Add Server"):
            return
        check(wait_for(lambda: "s1, UDP server" in cluster_description(app), 10),
              "s1 appeared after clicking Add Server")
        if not click(app, "Add Client"):
            return
        both = wait_for(lambda: {"s1", "c1"} <= set(node_pids(cluster_description(app))), 10)
        check(both, "s1 and c1 are running, each with a PID: " + cluster_description(app))
        pids = node_pids(cluster_description(app))

        result = gapplication("crash-node", "'s1'")
        check(result.returncode == 0, "gapplication action crash-node 's1' " + result.stderr.strip())
        check(wait_for(lambda: re.search(r"s1, [^;]*crashed", cluster_description(app)), 5),
              "s1 shows as crashed")
        check(wait_for(lambda: not pid_alive(pids.get("s1", 0)), 5),
              "s1's PID %s is gone" % pids.get("s1"))
        result = gapplication("add-server")
        check(result.returncode == 0 and wait_for(lambda: "s2" in node_pids(cluster_description(app)), 10),
              "gapplication action add-server (no role) started s2")
        pids.update(node_pids(cluster_description(app)))

        result = gapplication("quit")
        check(result.returncode == 0, "gapplication action quit")
        try:
            app_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        check(app_process.poll() is not None, "the application quit")
        left = [name for name, pid in pids.items() if wait_for(lambda: not pid_alive(pid), 5) is False]
        check(not left, "no node outlived the application: " + (", ".join(left) or "none left"))
    finally:
        if app_process.poll() is None:
            app_process.kill()
            app_process.wait()


main()
print("1..%d" % len(results), flush=True)
# Every step must have run: an early return leaves fewer than all of them.
sys.exit(0 if len(results) == 14 and all(ok for ok, _ in results) else 1)
