#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every installed header compiles on its own (and twice: include guards),
# as strict C and as C++, with no project include paths but the installed
# layout (<vnfha/...>); then a C++ program that takes the address of every
# export (libvnfha.map) links against the built library and runs: without
# extern "C" the names would be mangled and the link would fail.
# VNFHA_HEADERS is the install rule's own list (vnfhainclude_HEADERS and
# nodist_vnfhainclude_HEADERS). Run by `make check`.
set -euo pipefail
# shellcheck source=tests/libvnfha/libvnfha.bash
. "$(dirname "$0")/libvnfha.bash"

src=${VNFHA_SRCDIR:?run from make check}
build=${VNFHA_BUILDDIR:?run from make check}
cc=${CC:-cc}
cxx=${TEST_CXX:-}
if [ -z "$cxx" ]; then
	echo "SKIP: configure found no C++ compiler (install g++)"
	exit 77
fi
work=$(mktemp -d /tmp/vnfha-headers.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The installed tree's shape: include/vnfha/<header>, from source or build.
mkdir -p "$work/include/vnfha"
for h in ${VNFHA_HEADERS:?run from make check}; do
	if [ -f "$build/$h" ]; then
		cp "$build/$h" "$work/include/vnfha/"
	else
		cp "$src/$h" "$work/include/vnfha/"
	fi
done

CFLAGS_STRICT=(-std=c99 -pedantic-errors -Wall -Wextra -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wundef -Werror)
CXXFLAGS_STRICT=(-std=c++11 -pedantic-errors -Wall -Wextra -Wshadow -Wundef -Werror)
failures=0
for h in "$work"/include/vnfha/*.h; do
	name=vnfha/$(basename "$h")
	# (a declaration of our own: a header of macros alone is an empty unit to ISO C)
	printf '#include <%s>\n#include <%s>\ntypedef int one_header_test;\n' "$name" "$name" >"$work/one.c"
	cp "$work/one.c" "$work/one.cc"
	if "$cc" "${CFLAGS_STRICT[@]}" -I"$work/include" -fsyntax-only "$work/one.c"; then
		c=ok
	else
		c=FAIL
		failures=$((failures + 1))
	fi
	if "$cxx" "${CXXFLAGS_STRICT[@]}" -I"$work/include" -fsyntax-only "$work/one.cc"; then
		cpp=ok
	else
		cpp=FAIL
		failures=$((failures + 1))
	fi
	printf '%-22s C %-4s C++ %s\n' "<$name>" $c $cpp
done

# C++: every export by address, linked against the built libvnfha.so.
mapfile -t exports < <(map_exports)
{
	echo '#include <vnfha/vnfha.h>'
	echo '#include <cstdio>'
	echo 'typedef void (*any_fn)();'
	echo 'static const any_fn exports[] = {'
	for sym in "${exports[@]}"; do
		echo "	reinterpret_cast<any_fn>(&$sym),"
	done
	echo '};'
	echo 'int main() {'
	echo '	for (any_fn f : exports) { if (f == nullptr) return 1; }'
	printf '\tstd::printf("%%zu exports linked from C++, library %%s\\n",\n'
	echo '		    sizeof(exports) / sizeof(exports[0]), vnfha_lib_version());'
	echo '	return 0;'
	echo '}'
} >"$work/link.cc"
if "$cxx" "${CXXFLAGS_STRICT[@]}" -I"$work/include" "$work/link.cc" -o "$work/link" \
	-L"$build/src/libvnfha/.libs" -lvnfha &&
	LD_LIBRARY_PATH="$build/src/libvnfha/.libs" "$work/link"; then
	echo "C++ link of ${#exports[@]} exports: ok"
else
	echo "C++ link of the exports: FAIL"
	failures=$((failures + 1))
fi
[ "$failures" -eq 0 ]
