#!/usr/bin/env python3
"""Embed a text file in C as a NUL-terminated string: embed.py NAME IN OUT."""
import sys

name, src, dst = sys.argv[1:4]
data = open(src, 'rb').read()
with open(dst, 'w') as out:
    out.write('/* generated from %s; do not edit */\n' % src.split('/')[-1])
    out.write('static const char %s[] = {\n' % name)
    for i in range(0, len(data), 16):
        out.write('  ' + ', '.join(str(b) for b in data[i:i + 16]) + ',\n')
    out.write('  0\n};\n')
