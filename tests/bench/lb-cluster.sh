#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark on the real cluster lab (3 nodes, fencing): time from a VNFC's
# failure to its removal from HAProxy's pool, and client requests failed
# per failure, with the pool managed by the cluster (ocf:vnfha:lbmember;
# the VNFCs under ocf:vnfha:vnfc, whose supervisor reports a death at once,
# monitor every INTER ms) against HAProxy's own health checks alone
# (check inter INTER ms, fall FALL) over the same servers, the same kill,
# the same moment. Median of RUNS (>= 10). Needs root and the lab lock.
# REDISPATCH=no: HAProxy does not retry on another server (retries 0), so
# every request sent to a dead member fails and the difference shows.
# REMOTES=3: the members run on 3 Pacemaker Remote nodes, HAProxy on the
# full nodes (the seed's case 2).
#   [REDISPATCH=no] [REMOTES=3] tests/bench/lb-cluster.sh [RUNS] [INTER_MS] [FALL]
set -euo pipefail
runs=${1:-10} inter=${2:-1000} fall=${3:-3} redispatch=${REDISPATCH:-yes}
src=$(cd "$(dirname "$0")/../.." && pwd)
export VNFHA_SRCDIR=$src VNFHA_BUILDDIR=${VNFHA_BUILDDIR:-$src}
lab="$src/tests/cluster/lab"
# shellcheck source=../cluster/lb-setup.bash
. "$src/tests/cluster/lb-setup.bash"
remotes=${REMOTES:-0}
[[ $remotes =~ ^[0-9]$ ]] || { echo "REMOTES wants 0..9" >&2; exit 2; }
if [ "$remotes" -gt 0 ]; then
	LB_MEMBERS=$(seq -f 'r%g' -s ' ' "$remotes")
	export LB_MEMBERS
fi
VNFHA_LAB=$("$lab" up -n 3 -r "$remotes" -t 1000 --fencing --owner $$)
export VNFHA_LAB
out=$(mktemp)
trap 'lb_lab_unconfigure; "$lab" down; rm -f "$out"' EXIT
lb_lab_configure "$inter" "$fall" "$redispatch"
# a failed VNFC stays down until the harness cleans it up (one failure = one removal)
"$lab" on 1 pcs resource meta vnfc-clone migration-threshold=1
echo "lb-cluster: $runs runs, VNFC monitor / HAProxy check every ${inter} ms, fall $fall," \
	"two clients at 50 req/s, redispatch $redispatch, members on ${LB_MEMBERS:-the full nodes}"
ip netns exec "$("$lab" netns client)" python3 "$src/tests/bench/lb-cluster.py" "$lab" \
	"$LB_VIP" "$runs" | tee "$out"
read -r _ v_ms v_fail h_ms h_fail < <(grep '^SUMMARY' "$out")
python3 "$src/tests/bench/lb_load.py" report "$runs" "vnfha lbmember (monitor ${inter} ms)" \
	"$v_ms" "$v_fail" "HAProxy checks (inter ${inter} ms fall $fall)" "$h_ms" "$h_fail"
