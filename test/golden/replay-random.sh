#!/bin/sh
# Draws N random cases of any layer kinds with PyTorch (make_golden.py --random) and replays
# each through `descent replay`, which checks it against torch's expected results: the
# "any other case the generator makes" test. Needs torch (/usr/bin/python3) and a build
# (npm run build). Keeps the cases of a failed run for a look. With THREADS > 1, batch norm
# networks are skipped: a replay refuses to split them (each shard would have its own statistics).
#
#   sh test/golden/replay-random.sh [N=50] [SEED=1] [THREADS=1]
set -eu
n=${1:-50}
seed=${2:-1}
threads=${3:-1}
here=$(dirname "$0")
dir=$(mktemp -d)
/usr/bin/python3 "$here/make_golden.py" --random "$n" --seed "$seed" --out "$dir" --quiet 2>/dev/null
pass=0
fail=0
skip=0
for f in "$dir"/*.json; do
  if [ "$threads" -gt 1 ] && grep -q '"type":"batchnorm' "$f"; then
    skip=$((skip + 1))
    continue
  fi
  if node "$here/../../bin/descent.js" replay --threads "$threads" "$f" > /dev/null 2> "$dir/stderr"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $f: $(head -c 600 "$dir/stderr")"
  fi
done
echo "$pass passed, $fail failed, $skip skipped"
if [ "$fail" -eq 0 ]; then rm -rf "$dir"; else exit 1; fi
