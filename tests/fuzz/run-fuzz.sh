#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs each libFuzzer target for a bounded time against its seed corpus
# (tests/fuzz/corpus/<target>/); a crash fails the run. Usage:
#   run-fuzz.sh SECONDS BUILDDIR TARGET...
set -euo pipefail
seconds=$1 builddir=$2
shift 2
srcdir=$(cd "$(dirname "$0")" && pwd)
# The targets' scratch files on tmpfs, which each target removes itself.
scratch() { find /dev/shm -maxdepth 1 -name 'vnfha-fuzz-*' | sort; }
for target in "$@"; do
	name=$(basename "$target")
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	cp -r "$srcdir/corpus/$name/." "$work/" 2>/dev/null || true
	echo "fuzz: $name for ${seconds}s"
	before=$(scratch)
	"$builddir/$target" -max_total_time="$seconds" -timeout=10 "$work"
	left=$(comm -13 <(echo "$before") <(scratch))
	if [ -n "$left" ]; then
		echo "fuzz: $name left behind: $left" >&2
		exit 1
	fi
	rm -rf "$work"
	trap - EXIT
done
