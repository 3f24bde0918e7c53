#!/usr/bin/python3
"""test-mime.py — the recordings' MIME type as the desktop sees it.

Installs the built shared-mime-info XML into a private data directory,
runs update-mime-database on it, and asks GIO (in a child process that
sees only that directory) what a saved trace, a gzip-compressed one and a
JSON Lines file that is not a recording are. TAP output.

usage: test-mime.py MIME_XML
"""
import os
import shutil
import subprocess
import sys
import tempfile

TYPE = "application/x-conclave-trace"
HEADER = b'{"conclave_trace":1,"version":"0.1","scenario":"chapter-4"}\n{"ev":"hello"}\n'


def child():
    from gi.repository import Gio  # noqa: E402 (after the environment is set)
    cases = [
        ("saved trace", "class.jsonl", HEADER, True),
        ("gzip trace", "class.jsonl.gz", b"\x1f\x8b\x08\x00" + bytes(16), True),
        ("other JSON Lines", "other.jsonl", b'{"name":"x"}\n', False),
    ]
    print("1..%d" % len(cases))
    failed = 0
    for n, (what, name, data, ours) in enumerate(cases, 1):
        guessed, _ = Gio.content_type_guess(name, data)
        ok = (guessed == TYPE) == ours
        failed += not ok
        print("%s %d - %s: %s" % ("ok" if ok else "not ok", n, what, guessed))
    return 1 if failed else 0


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--child":
        return child()
    if shutil.which("update-mime-database") is None:
        print("1..0 # SKIP update-mime-database not found")
        return 1 if os.environ.get("CI") == "true" else 0
    with tempfile.TemporaryDirectory() as home:
        packages = os.path.join(home, "mime", "packages")
        os.makedirs(packages)
        shutil.copy(sys.argv[1], packages)
        subprocess.run(["update-mime-database", os.path.join(home, "mime")], check=True)
        env = dict(os.environ, XDG_DATA_HOME=home, XDG_DATA_DIRS=home, HOME=home)
        return subprocess.run([sys.executable, sys.argv[0], sys.argv[1], "--child"], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
