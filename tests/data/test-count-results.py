#!/usr/bin/env python3
# Checks build-aux/count-results.py, the counter behind the closing line of
# `build-aux/dev test`, on testlog-sample.json: a testlog that meson 1.0
# wrote for TAP and plain test programs of every result kind (pass, skip,
# TODO, "not ok # SKIP", failing case, crash after the plan, timeout,
# bail-out, skip-all, nested subtests, an expected failure). Prints TAP.
# Never edits the sample.
#
# Usage: test-count-results.py COUNT-RESULTS.py TESTLOG-SAMPLE.json

import os
import subprocess
import sys
import tempfile

counter, sample = sys.argv[1], sys.argv[2]

EXPECTED_SAMPLE = [
    'failed: tap-one-fails: 2 /x/two',
    'failed: tap-crash-after-plan: error (no failing case reported)',
    'failed: tap-unexpected-pass: 1 /z (unexpected pass)',
    'failed: tap-not-ok-skip: 2 /v/b',
    'failed: tap-bail-out: bail out: lost the display',
    'failed: plain-fail: fail',
    'failed: tap-timeout: timeout (no failing case reported)',
    '14 passed, 7 failed, 3 skipped',
]


def run(*paths):
    p = subprocess.run([sys.executable, counter, *paths],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.splitlines(), p.stderr


def run_on(text):
    """Runs the counter on a testlog holding text."""
    fd, path = tempfile.mkstemp(suffix='.json')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        return run(path)
    finally:
        os.unlink(path)


checks = []


def check(name):
    def register(fn):
        checks.append((name, fn))
        return fn
    return register


@check('sample: every case counted, failures named, closing line last')
def _():
    rc, out, err = run(sample)
    return rc == 1 and out == EXPECTED_SAMPLE, f'rc={rc} out={out} err={err!r}'


@check('two logs are summed')
def _():
    rc, out, err = run(sample, sample)
    return rc == 1 and out[-1] == '28 passed, 14 failed, 6 skipped', f'rc={rc} last={out[-1:]}'


@check('an empty log passes with no skipped part')
def _():
    rc, out, err = run_on('')
    return rc == 0 and out == ['0 passed, 0 failed'], f'rc={rc} out={out}'


@check('only passing and skipped programs exit 0')
def _():
    rc, out, err = run_on('{"name": "a", "result": "OK", "stdout": "1..2\\nok 1\\nok 2 # SKIP x\\n"}\n'
                          '{"name": "b", "result": "SKIP", "stdout": ""}\n')
    return rc == 0 and out == ['1 passed, 0 failed, 2 skipped'], f'rc={rc} out={out}'


@check('a record that is not meson JSON is an error, not a count')
def _():
    rc, out, err = run_on('{"name": "a", "result": "OK"}\nnot json\n')
    return rc == 2 and out == [] and ':2:' in err, f'rc={rc} out={out} err={err!r}'


@check('a missing log is an error')
def _():
    rc, out, err = run('/nonexistent/testlog.json')
    return rc == 2 and out == [] and 'nonexistent' in err, f'rc={rc} err={err!r}'


print(f'1..{len(checks)}')
failed = 0
for number, (name, fn) in enumerate(checks, 1):
    ok, detail = fn()
    if ok:
        print(f'ok {number} - {name}')
    else:
        failed += 1
        print(f'not ok {number} - {name}')
        print(f'# {detail}')
sys.exit(1 if failed else 0)
