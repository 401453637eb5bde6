#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything vnfha needs to build, test and run its demo on a
# fresh Debian 12 (as root). The single list of packages for README and CI.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
	build-essential autoconf automake libtool pkg-config
	libmnl-dev libqb-dev libcpg-dev libcmap-dev libxxhash-dev libgnutls28-dev
	libcurl4-openssl-dev xsltproc libxml2-utils man-db
	pacemaker-dev # vnfc reports a dead VNFC over the controller's IPC (agents/vnfc_report.c)
	clang libclang-rt-14-dev cppcheck shellcheck bats strace tcpdump iproute2 nftables procps psmisc
	util-linux python3 python3-jsonschema # VES events checked against ONAP's schema (tests/data)
	pacemaker corosync pacemaker-cli-utils pcs crmsh resource-agents
	iputils-ping # the cluster lab's client (tests/cluster)
	haproxy iperf3 rsync socat
	prometheus # promtool: tests/bats/ckpt-metrics.bats checks the metrics page
	# the Debian packages (debian/) and tests/cluster/real-host.bats
	debhelper dh-autoreconf dpkg-dev fakeroot lintian
	systemd # systemd-analyze: tests/bats/lbwatch-unit.bats checks vnfha-lbwatch.service
	redis-server redis-tools gnutls-bin openssl # tests/bench/ckpt-vs-redis.sh
	openssh-server # sshd: rsync over ssh, tests/bench/ckpt-vs-iperf3-rsync.sh (gnutls-bin, openssl too)
)
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
# pacemaker-remoted for the cluster lab's remote nodes: Debian's
# pacemaker-remote conflicts with pacemaker, so it is fetched with apt-get
# download and unpacked into /var/cache/vnfha-lab, never installed
# (tests/cluster/lab-remote.bash).
"$(dirname "$0")/cluster/lab" get-remoted >/dev/null
