# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests/libvnfha scripts.

# C code (or a linker version script) without its comments: the C
# preprocessor's own stripping, no includes expanded.
strip_comments() {
	"${CC:-cc}" -fpreprocessed -dD -E -P -x c "$1" 2>/dev/null
}

# The function names src/libvnfha/libvnfha.map exports, one a line.
map_exports() {
	strip_comments "${VNFHA_SRCDIR:?}/src/libvnfha/libvnfha.map" |
		grep -oE '^[[:space:]]*vnfha_[A-Za-z0-9_]+;' | tr -d ' \t;'
}
