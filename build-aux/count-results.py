#!/usr/bin/env python3
# count-results.py — turns meson's testlog.json into the one closing line that
# build-aux/dev prints: "N passed, N failed" (", N skipped" when there are
# any). It counts test cases, not test programs: a TAP program's stdout is
# read line by line, the way meson's own TAP parser reads it, so a GTest
# program with twelve cases counts twelve. It never runs a test and never
# changes a result; when a program failed without a failing case (a crash
# after the plan, a timeout, a bail-out) that failure is counted too.
#
# Usage: count-results.py TESTLOG.json...   (several logs are summed)
# Prints one "failed: ..." line per failure, then the closing line.
# Exit status: 0 when nothing failed, 1 when something did, 2 on bad input.

import json
import re
import sys

# Meson's result names, grouped the way a newcomer reads them.
PASSED = {'OK', 'EXPECTEDFAIL'}
FAILED = {'FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS'}
SKIPPED = {'SKIP'}

# The same shapes meson's TAPParser accepts (mesonbuild/mtest.py), matched at
# the start of a line like meson does: indented lines are nested subtests.
RE_DIRECTIVE = r'(?:\s*#\s*([Ss][Kk][Ii][Pp]\S*|[Tt][Oo][Dd][Oo])\b\s*(.*))?'
RE_PLAN = re.compile(r'1\.\.([0-9]+)' + RE_DIRECTIVE)
RE_TEST = re.compile(r'((?:not )?ok)\s*(?:([0-9]+)\s*)?([^#]*)' + RE_DIRECTIVE)
RE_BAIL = re.compile(r'Bail out!\s*(.*)')


class Counts:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)

    def line(self):
        text = f'{self.passed} passed, {self.failed} failed'
        if self.skipped:
            text += f', {self.skipped} skipped'
        return text


def is_tap(stdout):
    """A program is read as TAP when it printed a plan, as GTest always does."""
    return any(RE_PLAN.match(line) for line in stdout.splitlines())


def count_tap_case(counts, name, line):
    """Counts one unindented TAP line; returns True if it was a failure."""
    m = RE_TEST.match(line)
    if m:
        ok = m.group(1) == 'ok'
        directive = (m.group(4) or '').upper()
        case = f'{name}: {m.group(2) or "?"} {m.group(3).strip()}'.rstrip()
        if directive.startswith('SKIP') and ok:
            counts.skipped += 1
        elif directive == 'TODO':
            # TODO inverts: an expected failure passes, a surprise pass fails.
            if ok:
                counts.fail(case + ' (unexpected pass)')
                return True
            counts.passed += 1
        elif ok:
            counts.passed += 1
        else:
            counts.fail(case)
            return True
        return False
    m = RE_BAIL.match(line)
    if m:
        counts.fail(f'{name}: bail out: {m.group(1)}')
        return True
    return False


def count_tap(counts, name, result, stdout):
    any_case = False
    any_failed = False
    skip_all = False
    for line in stdout.splitlines():
        plan = RE_PLAN.match(line)
        if plan and plan.group(1) == '0':
            skip_all = True
            continue
        if RE_TEST.match(line) or RE_BAIL.match(line):
            any_case = True
            any_failed |= count_tap_case(counts, name, line)
    if skip_all and not any_case:
        count_program(counts, name, result)
    elif result in FAILED and not any_failed:
        # The cases that ran passed, but the program did not finish well.
        counts.fail(f'{name}: {result.lower()} (no failing case reported)')


def count_program(counts, name, result):
    if result in PASSED:
        counts.passed += 1
    elif result in SKIPPED:
        counts.skipped += 1
    elif result in FAILED:
        counts.fail(f'{name}: {result.lower()}')
    else:
        raise ValueError(f'unknown result "{result}" for {name}')


def count_log(counts, path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                name = entry['name']
                result = entry['result']
            except (ValueError, KeyError, TypeError) as e:
                raise ValueError(f'{path}:{lineno}: not a meson test record ({e})')
            stdout = entry.get('stdout') or ''
            if is_tap(stdout):
                count_tap(counts, name, result, stdout)
            else:
                count_program(counts, name, result)


def main(argv):
    if len(argv) < 2:
        print('usage: count-results.py TESTLOG.json...', file=sys.stderr)
        return 2
    counts = Counts()
    try:
        for path in argv[1:]:
            count_log(counts, path)
    except (OSError, ValueError) as e:
        print(f'count-results: {e}', file=sys.stderr)
        return 2
    for what in counts.failures:
        print(f'failed: {what}')
    print(counts.line())
    return 1 if counts.failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
