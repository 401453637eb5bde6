#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark on the real cluster lab (3 nodes, fencing): time from a VNFC's
# failure (kill, hang) to its removal from HAProxy's pool and to the VNFM's
# event (vnfha-alert's resource-failure), and client requests failed per
# failure, with the pool managed by the cluster (ocf:vnfha:lbmember) against
# HAProxy's own health checks alone (check inter INTER ms, fall FALL) over
# the same servers, the same fault, the same moment. The VNFC runs under
# ocf:vnfha:vnfc (tests/bats/lb-vnfc, heartbeat_timeout HB_MS, default 300
# as in lb-agent.sh): its supervisor tells Pacemaker of a death or a hang at
# once. VNFC_AGENT=anything runs it under ocf:heartbeat:anything instead
# (lb-backend.py, Pacemaker's monitor every INTER ms, a hang unseen);
# VNFC_AGENT=hooks runs lb-backend.py under ocf:vnfha:vnfc protocol=hooks
# (a death reported at once, a hang unseen).
# Medians of RUNS (>= 10) per kind. Needs root and the lab lock.
# REDISPATCH=no: HAProxy does not retry on another server (retries 0), so
# every request sent to a dead member fails and the difference shows.
# REMOTES=3: the members run on 3 Pacemaker Remote nodes, HAProxy on the
# full nodes (the seed's case 2); the second member's VNFC fails.
# SEED (default: random, printed) places each failure.
# The output is a column of tests/bench/lb-agent.sh (LB_CLUSTER_OUT=FILE).
#   [SEED=N] [HB_MS=300] [VNFC_AGENT=vnfc|hooks|anything] [REDISPATCH=no] [REMOTES=3]
#   tests/bench/lb-cluster.sh [RUNS] [INTER_MS] [FALL] [KINDS]
set -euo pipefail
runs=${1:-10} inter=${2:-1000} fall=${3:-3} kinds=${4:-kill,hang}
redispatch=${REDISPATCH:-yes} seed=${SEED:-$RANDOM} window=10
src=$(cd "$(dirname "$0")/../.." && pwd)
export VNFHA_SRCDIR=$src VNFHA_BUILDDIR=${VNFHA_BUILDDIR:-$src}
export LB_VNFC_AGENT=${VNFC_AGENT:-vnfc} LB_HB_MS=${HB_MS:-300}
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
echo "lb-cluster: $runs runs per kind ($kinds), VNFC under $LB_VNFC_AGENT (heartbeat" \
	"timeout $LB_HB_MS ms), monitor / HAProxy check every ${inter} ms, fall $fall," \
	"two clients at 100 req/s, redispatch $redispatch, members on" \
	"${LB_MEMBERS:-the full nodes}, SEED=$seed"
ip netns exec "$("$lab" netns client)" python3 "$src/tests/bench/lb-cluster.py" "$lab" \
	"$LB_VIP" "$VNFHA_LAB/shared/alerts" "$runs" "$kinds" "$window" "$seed" | tee "$out"
python3 "$src/tests/bench/lb_load.py" agent-report "$runs" "$inter" - "$out"
