#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test vnfha has, from a fresh Debian 12 as root: installs the
# dependencies, builds with -Werror, runs cppcheck and shellcheck, `make
# check` (unit tests under ASan/UBSan, bats tests in network namespaces, the
# cluster lab scenarios) and `make distcheck`. The README and CI run exactly
# this.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${VNFHA_SKIP_DEPS:-0}" != 1 ]; then
	tests/deps.sh
fi
autoreconf -fi
./configure --enable-werror
make -j"$(nproc)"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--inline-suppr --suppress=missingIncludeSystem -I src -I src/include \
	src agents heartbeat-helpers examples
# Every shell script (tests/, examples/, the lab's and CI's; .bats files are
# checked as bats by their shebang), then no mid-test `! cmd`: bash exempts a
# negated command from errexit, so such a line asserts nothing.
mapfile -t shell_scripts < <(
	find tests examples -type f \( -name '*.sh' -o -name '*.bash' -o -name '*.bats' \) | sort
	printf '%s\n' tests/cluster/lab tests/cluster/lab-node-init .ci/run
)
shellcheck -x -P SCRIPTDIR "${shell_scripts[@]}"
dead=$(tests/dead-negations.sh)
if [ -n "$dead" ]; then
	echo "negated commands that assert nothing (write 'run !' or [ ... ]):" >&2
	echo "$dead" >&2
	exit 1
fi
# On failure: the tail of every log, then each failed test's whole log, then
# its failed cases with bats' diagnostics. CI shows the start and the end of
# the output only, so what failed comes last.
show_failures() {
	local trs failed
	tail -n 20 tests/*/*.log >&2 || true
	mapfile -t failed < <(grep -l -E '^:test-result: (FAIL|ERROR)' tests/*/*.trs 2>/dev/null)
	for trs in "${failed[@]}"; do
		echo "==== FAILED: ${trs%.trs} ====" >&2
		cat "${trs%.trs}.log" >&2 || true
	done
	echo "==== failed tests, in short ====" >&2
	for trs in "${failed[@]}"; do
		grep -A 12 -E '^not ok' "${trs%.trs}.log" >&2 || echo "${trs%.trs}: no TAP 'not ok' line" >&2
	done
}
make -j"$(nproc)" check || { show_failures; exit 1; }
# A test that skips here hides what it would have checked: every test's
# dependency is installed above, so a skip is a failure of this run.
skipped=$(grep -H -E '^:test-result: SKIP' tests/*/*.trs 2>/dev/null || true)
if [ -n "$skipped" ]; then
	echo "tests skipped on a machine that has everything they need:" >&2
	echo "$skipped" >&2
	grep -h -E '^ok .* # (skip|SKIP)' tests/*/*.log >&2 || true
	exit 1
fi
make fuzz FUZZ_SECONDS=20
# distcheck builds and checks the tarball once more, WITHOUT the cluster lab
# scenarios (tests/cluster/*.bats): `make check` above has just run them on
# this very tree, and running them twice would double the suite's longest part.
make -j"$(nproc)" distcheck DISTCHECK_CONFIGURE_FLAGS=--disable-cluster-tests
echo "vnfha: all tests passed"
