#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libvnfha as a user gets it: `make install DESTDIR=<tmp>`, then a program
# (installed-app.c) built with nothing but `pkg-config --cflags --libs
# libvnfha` pointed at that tree, and run against the installed library.
# Also checks what was installed: the headers under <vnfha/...> and nothing
# internal, the soname links, a man page per export that groff renders
# without a warning. Run by `make check`.
set -euo pipefail
# shellcheck source=tests/libvnfha/libvnfha.bash
. "$(dirname "$0")/libvnfha.bash"

src=${VNFHA_SRCDIR:?run from make check}
build=${VNFHA_BUILDDIR:?run from make check}
cc=${CC:-cc}
pkg_config=${PKG_CONFIG:-pkg-config}
libdir=${VNFHA_LIBDIR:?run from make check}
includedir=${VNFHA_INCLUDEDIR:?run from make check}
pkgconfigdir=${VNFHA_PKGCONFIGDIR:?run from make check}
mandir=${VNFHA_MANDIR:?run from make check}
dest=$(mktemp -d /tmp/vnfha-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# A make of its own (not the jobs of the `make check` that runs this).
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$build" install \
	DESTDIR="$dest/root" >"$dest/install.log" 2>&1; then
	cat "$dest/install.log"
	echo "FAIL: make install DESTDIR=$dest/root"
	exit 1
fi
root=$dest/root

# Headers: exactly the public ones.
installed=$(cd "$root$includedir" && find . -type f | sort | tr '\n' ' ')
want="./vnfha/ckpt.h ./vnfha/lbagent.h ./vnfha/lib.h ./vnfha/role.h ./vnfha/version.h ./vnfha/vnfha.h "
[ "$installed" = "$want" ] || fail "installed headers are '$installed', want '$want'"

# The soname and its links.
[ -L "$root$libdir/libvnfha.so" ] || fail "no libvnfha.so development link"
soname=$(readelf -d "$root$libdir/libvnfha.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvnfha.so.1 ] || fail "soname is '$soname', want libvnfha.so.1"
[ -e "$root$libdir/$soname" ] || fail "no $soname in $libdir"

# pkg-config, pointed at the installed tree and nothing else.
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root$pkgconfigdir"
export PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1
unset PKG_CONFIG_PATH
cflags=$("$pkg_config" --cflags libvnfha)
libs=$("$pkg_config" --libs libvnfha)
echo "pkg-config --cflags: $cflags"
echo "pkg-config --libs:   $libs"
[[ " $cflags " == *" -I$root$includedir "* ]] || fail "Cflags '$cflags' lack -I$root$includedir"
[[ " $libs " == *" -L$root$libdir "* && " $libs " == *" -lvnfha "* ]] ||
	fail "Libs '$libs' lack -L$root$libdir -lvnfha"
version=$("$pkg_config" --modversion libvnfha)
# shellcheck disable=SC2086 # word splitting of pkg-config's flags is meant
"$cc" -Wall -Wextra -Werror $cflags "$src/tests/libvnfha/installed-app.c" -o "$dest/app" $libs
# Whole outputs, then matched: `cmd | grep -q` under pipefail fails when
# grep exits at the match and cmd writes on (SIGPIPE).
dyn=$(readelf -d "$dest/app")
grep -q "NEEDED.*\[libvnfha.so.1\]" <<<"$dyn" || fail "the program does not need libvnfha.so.1"
ver=$(readelf -V "$dest/app")
grep -q "Name: VNFHA_1.0" <<<"$ver" || fail "the program does not bind to version node VNFHA_1.0"
out=$(LD_LIBRARY_PATH="$root$libdir" "$dest/app") || fail "the program failed: $out"
echo "$out"
[[ "$out" == "headers $version library $version"* ]] || fail "versions: '$out', pkg-config says $version"
# It ran the installed copy, not the build tree's.
loads=$(LD_LIBRARY_PATH="$root$libdir" LD_DEBUG=libs "$dest/app" 2>&1 >/dev/null)
grep -qF "calling init: $root$libdir/libvnfha.so.1" <<<"$loads" ||
	fail "the program did not load $root$libdir/libvnfha.so.1; the loader said: $(grep -E 'calling init|find library' <<<"$loads")"

# A page per export, installed, rendered without a warning, in whatis.
mapfile -t exports < <(map_exports)
for page in libvnfha "${exports[@]}"; do
	f="$root$mandir/man3/$page.3"
	if [ ! -f "$f" ]; then
		fail "$page(3) is not installed"
		continue
	fi
	warn=$(groff -man -ww -z "$f" 2>&1)
	[ -z "$warn" ] || fail "$page(3): groff: $warn"
	lexgrog "$f" >/dev/null || fail "$page(3): no NAME section whatis can read"
done
echo "${#exports[@]} exports: man pages installed and clean"
[ "$failures" -eq 0 ]
