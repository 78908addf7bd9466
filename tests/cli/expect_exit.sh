#!/usr/bin/env bash
# expect_exit.sh RC REGEX [--absent REGEX] [--last REGEX] -- COMMAND [ARGS...]
#
# Runs COMMAND and passes when it exits with status RC and its output (stdout and stderr
# together) matches the extended regular expression REGEX; --absent: the output must not match;
# --last: the last line of the output must match. The argument @EMPTY@ stands for an empty
# argument (CTest cannot pass one).
set -u
want_rc=$1
want=$2
shift 2
absent=''
last=''
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --absent) absent=$2; shift 2 ;;
    --last) last=$2; shift 2 ;;
    *) echo "expect_exit.sh: unknown option $1"; exit 2 ;;
  esac
done
shift
args=()
for a in "$@"; do
  if [ "$a" = "@EMPTY@" ]; then args+=(""); else args+=("$a"); fi
done
out=$("${args[@]}" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 40
fail=0
if [ "$rc" != "$want_rc" ]; then
  echo "expect_exit.sh: exit status $rc, expected $want_rc"
  fail=1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$want"; then
  echo "expect_exit.sh: the output does not match: $want"
  fail=1
fi
if [ -n "$absent" ] && printf '%s\n' "$out" | grep -Eq -- "$absent"; then
  echo "expect_exit.sh: the output matches what must be absent: $absent"
  fail=1
fi
if [ -n "$last" ] && ! printf '%s\n' "$out" | tail -n 1 | grep -Eq -- "$last"; then
  echo "expect_exit.sh: the last line does not match: $last"
  fail=1
fi
exit $fail
