#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every function libvnfha exports is pinned, declared, documented and
# tested (kronosnet's api-test-coverage is the model). For each symbol
# the built libvnfha.so exports (nm -D): it is in a version node of
# src/libvnfha/libvnfha.map (and the map names nothing the library lacks);
# a public header declares it; man/man3/<symbol>.3 exists and is installed
# (LIBVNFHA_MANS); a test source calls it. Comments do not count: they are
# stripped by the C preprocessor before the search. Run by `make check`.
set -euo pipefail
# shellcheck source=tests/libvnfha/libvnfha.bash
. "$(dirname "$0")/libvnfha.bash"

src=${VNFHA_SRCDIR:?run from make check}
build=${VNFHA_BUILDDIR:?run from make check}
so="$build/src/libvnfha/.libs/libvnfha.so"
# Where a call counts as a test: the C sources of the unit tests and of the
# programs the bats tests run.
mapfile -t test_sources < <(find "$src/tests/unit" "$src/tests/bats" -name '*.c' | sort)
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

[ -f "$so" ] || { echo "no $so: build first" >&2; exit 99; }

# name@@NODE for each defined function
mapfile -t exported < <(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort)
mapfile -t in_map < <(map_exports | sort)

declare -A mapped=()
for sym in "${in_map[@]}"; do
	mapped[$sym]=1
done

headers=$(for h in "$src"/src/include/vnfha/*.h; do strip_comments "$h"; done)
tests=$(for t in "${test_sources[@]}"; do strip_comments "$t"; done)
declare -A names=()

echo "symbol                              node        header man3 test"
for entry in "${exported[@]}"; do
	sym=${entry%%@*}
	node=${entry#*@@}
	names[$sym]=1
	row_ok=yes
	[ "$node" != "$entry" ] || { fail "$sym is exported without a version node"; node=-; row_ok=no; }
	[ -n "${mapped[$sym]:-}" ] || { fail "$sym is exported but not listed in libvnfha.map"; row_ok=no; }
	h=no m=no t=no
	grep -qE "(^|[^A-Za-z0-9_])${sym}[[:space:]]*\(" <<<"$headers" && h=yes
	if [ -f "$src/man/man3/$sym.3" ] && [[ " ${VNFHA_MAN3:-} " == *" man/man3/$sym.3 "* ]] &&
		awk '/^\.SH NAME/ { getline; exit !($1 == name) }' name="$sym" "$src/man/man3/$sym.3"; then
		m=yes
	fi
	grep -qE "(^|[^A-Za-z0-9_])${sym}[[:space:]]*\(" <<<"$tests" && t=yes
	[ $h = yes ] || fail "$sym is declared in no header of src/include/vnfha"
	[ $m = yes ] || fail "$sym has no man page: write man/man3/$sym.3 (NAME: $sym) and list it in LIBVNFHA_MANS (man/man.am)"
	[ $t = yes ] || fail "$sym is called by no test (tests/unit/**/*.c, tests/bats/*.c): write one"
	printf '%-35s %-11s %-6s %-4s %-4s%s\n' "$sym" "$node" $h $m $t "$([ $row_ok = yes ] || echo '  <-')"
done

for sym in "${in_map[@]}"; do
	[ -n "${names[$sym]:-}" ] || fail "libvnfha.map lists $sym but the library does not define it"
done
# A page for a function that is gone would document nothing.
for page in "$src"/man/man3/*.3; do
	base=$(basename "$page" .3)
	[ "$base" = libvnfha ] || [ -n "${names[$base]:-}" ] ||
		fail "man/man3/$base.3 documents no exported function"
done

echo "${#exported[@]} exports checked, $failures failures"
[ "$failures" -eq 0 ]
