#!/usr/bin/env python3
"""tidy: source rules checked as a test (docs/golden.md, "Source rules").

1. Determinism: core/ and backends/sim/ include neither <random> nor <chrono> (nor <ctime>),
   call no rand()/srand()/random_device, read no wall clock (time(), clock_gettime,
   gettimeofday) and no thread id, and never iterate an unordered container (a range-for over,
   or begin() of, a variable declared there as std::unordered_map/set): the schedule must not
   depend on anything but the seed.
2. Function length: a function longer than 70 lines must be listed in long_functions.txt with
   its length, and may not grow past it; a new long function fails. The list only goes down:
   --update lowers or removes entries for functions that shrank (it never adds or raises one;
   an entry is added by hand, in review).
3. Names of limits: a constant is named unit first, limit last (`cores_max`,
   `event_batch_max`): a constexpr whose name starts with `max_` or holds `_max_` is refused,
   except a [[deprecated]] alias kept for programs built against the old name.

A function is a brace block at namespace or class scope whose head (the text since the previous
';', '{' or '}') has a parameter list and is not a control statement, a class, an enum or an
initializer; its length counts the lines from the head's first line to the closing brace. The
parse skips comments, string and character literals and preprocessor lines. It is a heuristic
for this code base's style, not a C++ parser.

usage: tidy.py [--root DIR] [--update]    exit 0: clean, 1: a rule is broken, 2: bad usage
"""
import os
import re
import sys

LIMIT = 70
LONG_LIST = 'tests/lint/long_functions.txt'
# The trees whose functions the length rule covers (tests are left out: a test body is a table).
LENGTH_DIRS = ['include', 'trace', 'core', 'backends', 'explore', 'compat', 'examples', 'tools',
               'bench']
DETERMINISTIC_DIRS = ['core', 'backends/sim']
SOURCE_EXT = ('.c', '.cc', '.cpp', '.h', '.hpp', '.inc')

FORBIDDEN = [
    (re.compile(r'#\s*include\s*<random>'), '<random> (the decision stream is the only randomness)'),
    (re.compile(r'#\s*include\s*<chrono>'), '<chrono> (virtual time only)'),
    (re.compile(r'#\s*include\s*<ctime>'), '<ctime> (virtual time only)'),
    (re.compile(r'(?<![\w.>])s?rand\s*\('), 'rand() (the decision stream is the only randomness)'),
    (re.compile(r'\brandom_device\b'), 'std::random_device'),
    (re.compile(r'(?<![\w.:>])time\s*\(\s*(nullptr|NULL|0)?\s*\)'), 'time() (the wall clock)'),
    (re.compile(r'\bclock_gettime\b|\bgettimeofday\b'), 'a wall clock read'),
    (re.compile(r'this_thread::get_id|\bpthread_self\b|\bgettid\b'), 'a thread id'),
]
UNORDERED_DECL = re.compile(
    r'std::unordered_(?:map|set|multimap|multiset)\s*<.*>\s+(\w+)\s*[;{=]')
CONTROL = {'if', 'for', 'while', 'switch', 'catch', 'do', 'else', 'return', 'sizeof', 'alignof',
           'decltype', 'static_assert', 'noexcept', 'requires'}
NOT_FUNCTION_HEAD = re.compile(r'\b(namespace|struct|class|union|enum)\b')


def sources(root, dirs):
    for d in dirs:
        top = os.path.join(root, d)
        for base, subdirs, files in os.walk(top):
            subdirs.sort()
            for f in sorted(files):
                if f.endswith(SOURCE_EXT):
                    path = os.path.join(base, f)
                    yield os.path.relpath(path, root), path


def strip(text):
    """The text with comments, literals and preprocessor lines blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == '#' :
            # a preprocessor line, with its continuations
            j = i
            while j < n and (text[j] != '\n' or text[j - 1] == '\\'):
                j += 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
            continue
        if c in ' \t':
            out.append(c)
            i += 1
            continue
        line_start = c == '\n'
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(')' + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c in '"\'' and not (c == '\'' and i > 0 and text[i - 1].isalnum()):
            # a literal (a ' between digits is a digit separator: 1'000)
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(c + ' ' * (j - i - 2) + c if j - i >= 2 else ' ' * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def function_name(head):
    """The (qualified) name of the function a block head declares, or None."""
    head = ' '.join(head.split())
    if not head or NOT_FUNCTION_HEAD.search(head.split('(')[0]):
        return None
    # A lambda or an initializer: '=' before the parameter list (not operator=).
    paren = head.find('(')
    if paren < 0:
        return None
    before = head[:paren].rstrip()
    if re.search(r'(?<!operator)(?<![=!<>])=(?!=)', before) or before.endswith(']'):
        return None
    if before.endswith('operator') or re.search(r'operator\s*\S+$', before):
        m = re.search(r'([\w:~]*operator\s*[^\s(]*)$', before)
        return m.group(1) if m else None
    m = re.search(r'([\w:~]+)$', before)
    if not m:
        return None
    name = m.group(1)
    if name.split('::')[-1] in CONTROL or not re.search(r'\)', head):
        return None
    # A TEST(...)-style macro body or a call followed by a block is not told apart: fine here.
    return name


def functions(text):
    """(name, first line, last line) of every function body at namespace or class scope."""
    code = strip(text)
    result = []
    stack = []  # per open brace: 'function' or 'scope' (namespace, class, extern "C", ...)
    head_start = 0
    line_of = [0] * (len(code) + 1)
    line = 1
    for i, c in enumerate(code):
        line_of[i] = line
        if c == '\n':
            line += 1
    line_of[len(code)] = line
    in_function = 0
    fn_start = []
    for i, c in enumerate(code):
        if c == '{':
            kind = 'block'
            if in_function == 0:
                head = code[head_start:i]
                if head.count('(') > head.count(')') or (
                        re.search(r'\)\s*:(?!:)', head) and re.search(r'[\w>]\s*$', head)):
                    # a braced initializer in an argument list or a constructor's initializer
                    # list: part of the head that goes on
                    stack.append('init')
                    continue
                name = function_name(head)
                if name is not None:
                    kind = 'function'
                    first = head_start + len(head) - len(head.lstrip())
                    fn_start.append((name, line_of[first]))
                else:
                    kind = 'scope'
            if kind == 'function':
                in_function += 1
            elif in_function:
                in_function += 1
                kind = 'inner'
            stack.append(kind)
            head_start = i + 1
        elif c == '}':
            kind = stack.pop() if stack else 'scope'
            if kind == 'init':
                continue
            if kind in ('function', 'inner'):
                in_function -= 1
            if kind == 'function':
                name, first = fn_start.pop()
                result.append((name, first, line_of[i]))
            head_start = i + 1
        elif c == ';' and in_function == 0:
            head_start = i + 1
        elif c == ':' and in_function == 0 and re.search(
                r'\b(public|private|protected)\s*$', code[head_start:i]):
            head_start = i + 1
    return result


def check_determinism(root, problems):
    unordered = set()
    files = list(sources(root, DETERMINISTIC_DIRS))
    texts = {}
    for rel, path in files:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        texts[rel] = text
        for m in UNORDERED_DECL.finditer(strip(text)):
            unordered.add(m.group(1))
    for rel, text in texts.items():
        code_lines = strip(text).split('\n')
        raw_lines = text.split('\n')
        for no, (code, raw) in enumerate(zip(code_lines, raw_lines), 1):
            # includes are preprocessor lines, blanked in code: look at the raw line for them
            for pattern, what in FORBIDDEN:
                if pattern.pattern.startswith('#'):
                    # an include is a preprocessor line, blanked in code
                    subject = raw if raw.lstrip().startswith('#') else ''
                else:
                    subject = code
                if pattern.search(subject):
                    problems.append(f'{rel}:{no}: {what} in a deterministic part')
            for name in unordered:
                if re.search(r'for\s*\(.*:\s*' + re.escape(name) + r'\s*\)', code) or re.search(
                        r'\b' + re.escape(name) + r'\s*(\.|->)\s*c?r?begin\s*\(', code) or re.search(
                        r'\bc?begin\s*\(\s*' + re.escape(name) + r'\s*\)', code):
                    problems.append(f'{rel}:{no}: iterates the unordered container {name} '
                                    '(its order is not the schedule\'s to depend on)')


# `constexpr [type] name =` (or `{`), the name captured: a limit spelled max-first.
MAX_FIRST = re.compile(r'\bconstexpr\s+[\w:<>,*& ]*?\b((?:max_\w+)|(?:\w+_max_\w+))\s*(?:=|\{|\[)')


def check_limit_names(root, problems):
    for rel, path in sources(root, LENGTH_DIRS):
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        for no, code in enumerate(strip(text).split('\n'), 1):
            if 'deprecated' in code:
                continue
            m = MAX_FIRST.search(code)
            if m:
                problems.append(f'{rel}:{no}: the limit {m.group(1)} is spelled max-first: name it '
                                'unit first, limit last (as cores_max)')


def read_list(path):
    entries = {}
    if not os.path.exists(path):
        return entries, []
    header = []
    with open(path, encoding='utf-8') as f:
        for no, line in enumerate(f, 1):
            if line.startswith('#') or not line.strip():
                if not entries:
                    header.append(line)
                continue
            parts = line.split()
            if len(parts) != 3 or not parts[2].isdigit():
                raise SystemExit(f'tidy: {path}:{no}: expected "FILE FUNCTION LINES"')
            entries[(parts[0], parts[1])] = int(parts[2])
    return entries, header


def measure(root):
    """{(file, function): longest length} of the functions over the limit."""
    long = {}
    for rel, path in sources(root, LENGTH_DIRS):
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        for name, first, last in functions(text):
            length = last - first + 1
            if length > LIMIT:
                key = (rel, name)
                long[key] = max(long.get(key, 0), length)
    return long


def main(argv):
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    update = False
    args = argv[1:]
    while args:
        a = args.pop(0)
        if a == '--root' and args:
            root = args.pop(0)
        elif a == '--update':
            update = True
        else:
            print(__doc__.strip().split('\n')[-1], file=sys.stderr)
            return 2
    problems = []
    check_determinism(root, problems)
    check_limit_names(root, problems)

    list_path = os.path.join(root, LONG_LIST)
    recorded, header = read_list(list_path)
    long = measure(root)
    lowered = []
    for key, length in sorted(long.items()):
        if key not in recorded:
            problems.append(f'{key[0]}: {key[1]} is {length} lines (the limit is {LIMIT}): split it '
                            f'(new long functions are not added to {LONG_LIST})')
        elif length > recorded[key]:
            problems.append(f'{key[0]}: {key[1]} grew to {length} lines (recorded: '
                            f'{recorded[key]}; the limit is {LIMIT}): the list only goes down')
    for key, length in sorted(recorded.items()):
        now = long.get(key, 0)
        if now < length:
            lowered.append((key, now))
    if update:
        if problems:
            print('tidy: --update lowers entries only when nothing else is wrong', file=sys.stderr)
        else:
            with open(list_path, 'w', encoding='utf-8') as f:
                f.writelines(header)
                for key, length in sorted(recorded.items()):
                    now = long.get(key, 0)
                    if now > 0:
                        f.write(f'{key[0]} {key[1]} {now}\n')
            print(f'tidy: {LONG_LIST}: {len(lowered)} entries lowered or removed')
    for p in problems:
        print(p)
    if lowered and not update:
        print(f'tidy: {len(lowered)} listed functions are shorter now: '
              f'tests/lint/tidy.py --update lowers them')
    total = sum(long.values())
    print(f'tidy: {len(long)} functions over {LIMIT} lines ({total} lines), '
          f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
