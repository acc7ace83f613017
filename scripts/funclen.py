#!/usr/bin/python3
"""
funclen.py: function lengths in cgi-bin/ and lib/, for the rule that no
handler runs over 30 lines (STYLE.md).

    scripts/funclen.py [-v] [root]

Reads the tree's own style: a function's name starts a line at column 0
followed by '(', its body is '{' at column 0 up to '}' at column 0.  A
function's length counts from its name's line to the closing brace.
Prints count, median, how many run over 30 and 50 lines and the longest;
-v lists cgi-bin/'s functions over 30 lines.
"""
import glob
import re
import statistics
import sys


def functions(path):
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    found, i = [], 0
    while i < len(lines):
        m = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)\(', lines[i])
        if m:
            j = i
            while j < len(lines) and lines[j] != '{' and \
                    not lines[j].endswith(';'):
                j += 1
            if j < len(lines) and lines[j] == '{':
                k = j
                while k < len(lines) and lines[k] != '}':
                    k += 1
                found.append((m.group(1), k - i + 1, path))
                i = k
        i += 1
    return found


def report(label, paths):
    fs = [f for p in paths for f in functions(p)]
    n = [f[1] for f in fs]
    name, length, path = max(fs, key=lambda f: f[1])
    print('%-8s count %4d  median %4g  >30 %3d  >50 %3d  longest %s %d (%s)'
          % (label, len(n), statistics.median(n), sum(x > 30 for x in n),
             sum(x > 50 for x in n), name, length, path))
    return fs


def main():
    args = [a for a in sys.argv[1:] if a != '-v']
    root = args[0] if args else '.'
    cgi = report('cgi-bin', sorted(glob.glob(root + '/cgi-bin/*.c')))
    report('lib', sorted(glob.glob(root + '/lib/*.c')))
    if '-v' in sys.argv:
        for name, length, path in sorted(cgi, key=lambda f: -f[1]):
            if length > 30:
                print('  %4d %s %s' % (length, name, path))


if __name__ == '__main__':
    main()
