#!/usr/bin/env python3
"""Checks tidy.py on hand-made fixtures (testdata/bad): it reports every line marked BAD in the
deterministic parts (determinism, and limits named max-first) and no other line there, a new long function and a grown one, but not a
listed one that shrank; and --update lowers a shrunk entry and drops a vanished one, adding none.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIDY = os.path.join(HERE, 'tidy.py')
BAD = os.path.join(HERE, 'testdata', 'bad')
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def tidy(*args):
    p = subprocess.run([sys.executable, TIDY, *args], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


# 1. The determinism rules: exactly the lines marked BAD.
rc, out = tidy('--root', BAD)
print(out)
expect(rc == 1, f'exit status {rc} on the bad fixtures, expected 1')
marked = set()
for d in ('core', os.path.join('backends', 'sim')):
    for base, _, files in os.walk(os.path.join(BAD, d)):
        for f in files:
            path = os.path.join(base, f)
            with open(path) as fh:
                for no, line in enumerate(fh, 1):
                    if 'BAD:' in line:
                        marked.add((os.path.relpath(path, BAD), no))
reported = {(m.group(1), int(m.group(2))) for m in re.finditer(r'^([^\s:]+):(\d+): ', out, re.M)}
expect(marked and reported == marked,
       f'reported lines {sorted(reported)}, marked BAD {sorted(marked)}')

# 2. The length ratchet: the new long function and the grown one; not the shrunk or short one.
expect(re.search(r'^examples/long.cpp: new_long is 75 lines', out, re.M), 'new_long not reported')
expect(re.search(r'^examples/long.cpp: grown grew to 74 lines \(recorded: 72', out, re.M),
       'grown not reported')
expect(not re.search(r'shrunk|short_one', out.replace('shorter now', '')),
       'a function within its entry or the limit was reported')
expect('1 listed functions are shorter now' in out, 'the shrunk entry was not noticed')

# 3. --update lowers and drops entries, never adds or raises one.
with tempfile.TemporaryDirectory() as root:
    os.makedirs(os.path.join(root, 'examples'))
    os.makedirs(os.path.join(root, 'tests', 'lint'))
    with open(os.path.join(BAD, 'examples', 'long.cpp')) as f:
        text = f.read()
    # keep only shrunk and short_one
    keep = text[text.index('int shrunk('):]
    with open(os.path.join(root, 'examples', 'long.cpp'), 'w') as f:
        f.write(keep)
    listed = os.path.join(root, 'tests', 'lint', 'long_functions.txt')
    with open(listed, 'w') as f:
        f.write('# header\nexamples/long.cpp shrunk 80\nexamples/gone.cpp vanished 90\n')
    rc, out = tidy('--root', root, '--update')
    expect(rc == 0, f'--update exit status {rc}: {out}')
    with open(listed) as f:
        after = f.read()
    expect(after == '# header\nexamples/long.cpp shrunk 73\n', f'--update wrote {after!r}')

# 4. --update refuses while a rule is broken, and leaves the list alone.
with tempfile.TemporaryDirectory() as root:
    shutil.copytree(BAD, root, dirs_exist_ok=True)
    listed = os.path.join(root, 'tests', 'lint', 'long_functions.txt')
    with open(listed) as f:
        before = f.read()
    rc, out = tidy('--root', root, '--update')
    with open(listed) as f:
        expect(rc == 1 and f.read() == before, '--update changed the list despite problems')

for f in failures:
    print('tidy_test: ' + f)
print('tidy_test: ' + ('ok' if not failures else f'{len(failures)} failures'))
sys.exit(1 if failures else 0)
