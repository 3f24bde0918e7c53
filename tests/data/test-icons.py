#!/usr/bin/env python3
# Checks the application icons the way a desktop uses them: each SVG parses,
# is square, and renders through GdkPixbuf (the loader GTK uses) to an image
# that is not empty; the symbolic one uses fills of a single colour and no
# strokes or gradients, so GTK can recolour it. Prints TAP. Reads only.
#
# Usage: test-icons.py APP-ID ICON.svg SYMBOLIC-ICON.svg

import os
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
app_id, icon, symbolic = sys.argv[1:4]

try:
    import gi
    gi.require_version('GdkPixbuf', '2.0')
    from gi.repository import GdkPixbuf
except (ImportError, ValueError) as e:
    # CI installs python3-gi: a skip there would hide a broken icon.
    if os.environ.get('CI') == 'true':
        print(f'Bail out! GdkPixbuf from Python is not available: {e}')
        sys.exit(1)
    print(f'1..0 # SKIP GdkPixbuf from Python is not available: {e}')
    sys.exit(0)


def is_square_svg(root):
    box = [float(v) for v in root.get('viewBox', '').replace(',', ' ').split()]
    return root.tag == SVG + 'svg' and len(box) == 4 and box[2] == box[3] > 0


def renders(path, size):
    """True when the icon renders at size×size with some visible pixels."""
    pixbuf = GdkPixbuf.Pixbuf.new_from_file_at_size(path, size, size)
    if (pixbuf.get_width(), pixbuf.get_height()) != (size, size):
        return False
    if not pixbuf.get_has_alpha():
        return True
    pixels = pixbuf.get_pixels()
    n = pixbuf.get_n_channels()
    return any(pixels[i + 3] for i in range(0, len(pixels), n))


def one_colour_fills(root):
    fills = set()
    for element in root.iter():
        if element.tag in (SVG + 'linearGradient', SVG + 'radialGradient'):
            return False
        if element.get('stroke') not in (None, 'none'):
            return False
        fill = element.get('fill')
        if fill and fill != 'none':
            fills.add(fill.lower())
    return len(fills) == 1


checks = [
    ('named after the application id',
     lambda: icon.endswith(f'/{app_id}.svg') and symbolic.endswith(f'/{app_id}-symbolic.svg')),
]
for path in (icon, symbolic):
    name = path.rsplit('/', 1)[-1]
    checks.append((f'{name}: an svg element with a square viewBox',
                   lambda path=path: is_square_svg(ET.parse(path).getroot())))
    for size in (16, 32, 128):
        checks.append((f'{name}: renders at {size} px',
                       lambda path=path, size=size: renders(path, size)))
checks.append(('symbolic: one fill colour, no strokes or gradients',
               lambda: one_colour_fills(ET.parse(symbolic).getroot())))

print(f'1..{len(checks)}')
failed = 0
for number, (name, check) in enumerate(checks, 1):
    try:
        ok = check()
    except Exception as e:  # a loader error is a failed check, not a crash
        ok = False
        print(f'# {e}')
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    failed += not ok
sys.exit(1 if failed else 0)
