#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test vnfha has, from a fresh Debian 12 as root: installs the
# dependencies, builds with -Werror, runs cppcheck, `make check` (unit tests
# under ASan/UBSan, bats tests in network namespaces, the cluster lab
# scenarios) and `make distcheck`. The README and CI run exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${VNFHA_SKIP_DEPS:-0}" != 1 ]; then
	tests/deps.sh
fi
autoreconf -fi
./configure --enable-werror
make -j"$(nproc)"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
	--inline-suppr --suppress=missingIncludeSystem -I src/lib \
	src agents heartbeat-helpers examples
make -j"$(nproc)" check || { tail -n 80 tests/*/*.log >&2 || true; exit 1; }
make fuzz FUZZ_SECONDS=20
# distcheck builds and checks the tarball once more, WITHOUT the cluster lab
# scenarios (tests/cluster/*.bats): `make check` above has just run them on
# this very tree, and running them twice would double the suite's longest part.
make -j"$(nproc)" distcheck DISTCHECK_CONFIGURE_FLAGS=--disable-cluster-tests
echo "vnfha: all tests passed"
