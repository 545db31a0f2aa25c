#!/usr/bin/env python3
"""Embed vector-harness.c as two C strings, split at its '---- the vector ----'
marker: the types (head) and the code (tail) that the exported table goes
between.  embed-harness.py IN OUT"""
import sys

src, dst = sys.argv[1:3]
text = open(src).read()
marker = '/* ---- the vector ---- */\n'
if text.count(marker) != 1:
    sys.exit('%s: expected one line %r' % (src, marker.strip()))
head, tail = text.split(marker)
with open(dst, 'w') as out:
    out.write('/* generated from vector-harness.c; do not edit */\n')
    for name, part in (('vector_harness_head', head + marker), ('vector_harness_tail', tail)):
        data = part.encode()
        out.write('static const char %s[] = {\n' % name)
        for i in range(0, len(data), 16):
            out.write('  ' + ', '.join(str(b) for b in data[i:i + 16]) + ',\n')
        out.write('  0\n};\n')
