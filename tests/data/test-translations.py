#!/usr/bin/env python3
"""test-translations.py — every translatable string has its translation.

Extracts the messages of po/POTFILES.in the way meson's glib preset does
(xgettext), merges each language's .po with them (msgmerge, in a temporary
file: the tracked .po is never touched) and fails, naming the strings, when
any is missing, untranslated or fuzzy. TAP, one case per language.

Usage: test-translations.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

KEYWORDS = ["--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
            "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
            "--keyword=g_dpgettext2:2c,3"]


def main():
    root = sys.argv[1]
    po = os.path.join(root, "po")
    with open(os.path.join(po, "LINGUAS")) as f:
        langs = [w for line in f if not line.lstrip().startswith("#") for w in line.split()]
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "conclave.pot")
        subprocess.run(["xgettext", "--from-code=UTF-8", "--add-comments", *KEYWORDS,
                        "--directory=" + root, "--files-from=" + os.path.join(po, "POTFILES.in"),
                        "--output=" + pot], check=True)
        print("1..%d" % len(langs))
        for i, lang in enumerate(langs, 1):
            merged = os.path.join(tmp, lang + ".po")
            subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "--output-file=" + merged,
                            os.path.join(po, lang + ".po"), pot], check=True)
            missing = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", merged],
                                     capture_output=True, text=True, check=True).stdout
            fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-obsolete", merged],
                                   capture_output=True, text=True, check=True).stdout
            bad = [line for line in (missing + fuzzy).splitlines()
                   if line.startswith("msgid ") and line != 'msgid ""']
            if bad:
                print("not ok %d - %s: %d strings without a translation" % (i, lang, len(bad)))
                for line in bad:
                    print("# " + line)
                print("# run: ninja -C _build conclave-update-po, then translate po/%s.po" % lang)
            else:
                print("ok %d - %s: every string translated" % (i, lang))
    return 0


sys.exit(main())
