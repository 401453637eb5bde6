#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha as an operator installs it. The .debs are built from this tree
# (dpkg-buildpackage, as debian/ says), checked by lintian and installed on
# this machine with apt-get (their Depends from Debian); the lab's nodes run
# the INSTALLED agents, daemon and library (lab up --installed), statesync
# is created with nothing but its defaults, then the README's VNF with its
# VNFC as an unprivileged user fails over a process kill and a node kill
# with no acknowledged update lost; apt-get purge then leaves nothing of
# vnfha on the machine. It refuses to start when vnfha packages are
# installed already, and purges what it installed even after a failure.

load lab
load vnf

REAL_PACKAGES=(vnfha-agents vnfha-ckpt vnfha-alert vnfha-lbwatch libvnfha1 libvnfha-dev)
REAL_USER=vnf # the README's VNFC user (lab_add_user: on the nodes only)
REAL_UID=4301
REAL_OTHER_UID=4302 # another local user, who must be refused

# Packages of ours this machine has in any state but "not-installed".
real_installed() {
	dpkg-query -W -f='${Package} ${db:Status-Status}\n' 'vnfha-*' 'libvnfha*' 2>/dev/null |
		awk '$2 != "not-installed" { print $1 }'
}

# The tree as it is now (uncommitted changes too, no build products), in a
# copy: dpkg-buildpackage cleans and builds where it runs.
real_copy_source() {
	mkdir -p "$REAL_DIR/src"
	if git -C "$VNFHA_SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$VNFHA_SRCDIR" && git ls-files -z -co --exclude-standard |
			tar --null --ignore-failed-read -T - -cf -) | tar -C "$REAL_DIR/src" -xf -
	else
		cp -a "$VNFHA_SRCDIR/." "$REAL_DIR/src/" # a release tarball's tree
	fi
}

setup_file() {
	local t0 p
	REAL_DIR=$(mktemp -d /tmp/vnfha-real-host.XXXXXX)
	chmod 0755 "$REAL_DIR" # the VNFC's program lives here; its user must reach it
	export REAL_DIR
	if [ -n "$(real_installed)" ]; then
		echo "vnfha packages are installed on this machine already ($(real_installed | xargs));" \
			"this scenario installs and purges its own: purge them first" >&2
		return 1
	fi
	t0=$(lab_now_ms)
	real_copy_source
	(cd "$REAL_DIR/src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" \
		dpkg-buildpackage -us -uc -b) >"$REAL_DIR/build.log" 2>&1 ||
		{ tail -n 60 "$REAL_DIR/build.log" >&2; return 1; }
	echo "$(($(lab_now_ms) - t0))" >"$REAL_DIR/build.ms"
	lintian -I --fail-on error "$REAL_DIR"/vnfha_*.changes >"$REAL_DIR/lintian.txt" 2>&1 &&
		echo 0 >"$REAL_DIR/lintian.rc" || echo $? >"$REAL_DIR/lintian.rc"
	t0=$(lab_now_ms)
	(cd "$REAL_DIR" && DEBIAN_FRONTEND=noninteractive apt-get install -y ./*.deb) \
		>"$REAL_DIR/install.log" 2>&1 || { cat "$REAL_DIR/install.log" >&2; return 1; }
	echo "$(($(lab_now_ms) - t0))" >"$REAL_DIR/install.ms"
	for p in "${REAL_PACKAGES[@]}"; do
		dpkg-query -L "$p" | grep -vx '/\.' >"$REAL_DIR/$p.files"
	done
	# The VNFC, built as a user of libvnfha-dev builds one: the installed
	# header, pkg-config file and library, nothing of the build tree.
	# shellcheck disable=SC2046 # pkg-config prints one word per flag
	cc -O2 -D_GNU_SOURCE -o "$REAL_DIR/vnfha-counterd" "$VNFHA_SRCDIR/examples/vnfha-counterd.c" \
		$(pkg-config --cflags --libs libvnfha)
	lab_setup_file -n 3 -t 1000 --fencing --installed
}

teardown_file() {
	local keep=${VNFHA_BUILDDIR:-.}/tests/cluster/${BATS_TEST_FILENAME##*/}.lablogs
	# (the last test takes the lab down itself, before the purge)
	[ ! -d "${VNFHA_LAB:-/nonexistent}" ] || lab_teardown_file
	if [ -n "$(real_installed)" ]; then
		# shellcheck disable=SC2046 # a list of package names
		DEBIAN_FRONTEND=noninteractive apt-get purge -y $(real_installed) >/dev/null 2>&1 || true
	fi
	if [ -n "${REAL_DIR:-}" ]; then
		mkdir -p "$keep"
		cp "$REAL_DIR"/*.log "$REAL_DIR"/lintian.txt "$keep/" 2>/dev/null || true
		rm -rf "$REAL_DIR"
	fi
}

@test "real host: the .debs build, pass lintian with no error and install with apt-get" {
	local f p lib
	echo "dpkg-buildpackage -us -uc -b: $(cat "$REAL_DIR/build.ms") ms;" \
		"apt-get install ./*.deb: $(cat "$REAL_DIR/install.ms") ms" >&3
	sed 's/^/lintian: /' "$REAL_DIR/lintian.txt" >&3
	[ "$(cat "$REAL_DIR/lintian.rc")" = 0 ]
	run grep -c '^E: ' "$REAL_DIR/lintian.txt"
	[ "$output" = 0 ]
	for p in "${REAL_PACKAGES[@]}"; do
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$p")" = installed ]
	done
	# Debian's paths, as pacemaker and resource-agents use them
	for f in /usr/lib/ocf/resource.d/vnfha/floatip /usr/lib/ocf/resource.d/vnfha/vnfc \
		/usr/lib/ocf/resource.d/vnfha/statesync /usr/lib/ocf/resource.d/vnfha/lbmember \
		/usr/sbin/vnfha-ckptd /usr/bin/vnfha-ckpt /usr/sbin/vnfha-garp /usr/sbin/vnfha-findif \
		/usr/sbin/vnfha-lbwatch /usr/libexec/vnfha/vnfha-alert; do
		[ -x "$f" ]
	done
	for f in man7/ocf_vnfha_statesync.7 man8/vnfha-ckptd.8 man1/vnfha-ckpt.1 man8/vnfha-alert.8; do
		[ -f "/usr/share/man/$f.gz" ]
	done
	[ -f /usr/lib/tmpfiles.d/vnfha.conf ]
	[[ "$(dpkg-query -W -f='${Depends}' vnfha-agents)" == *pacemaker-cli-utils* ]]
	# the VNFC links the installed library
	lib=$(ldd "$REAL_DIR/vnfha-counterd" | sed -n 's/.*libvnfha\.so\.[0-9]* => \([^ ]*\) .*/\1/p')
	echo "libvnfha => $lib"
	[[ "$(dpkg-query -S "$(readlink -f "$lib")")" == libvnfha1:* ]]
}

@test "real host: make install with configure's defaults puts every file where the packages do" {
	local config
	config=$("$VNFHA_BUILDDIR/config.status" --config)
	if [[ $config =~ --(prefix|exec-prefix|libexecdir|sbindir|bindir|sysconfdir|localstatedir|mandir|datarootdir|includedir|with-ocf-root|with-tmpfilesdir|with-systemdsystemunitdir) ]]; then
		skip "the build tree is configured with its own paths ($config)"
	fi
	make -C "$VNFHA_BUILDDIR" -s install DESTDIR="$REAL_DIR/destdir" >/dev/null
	(cd "$REAL_DIR/destdir" && find . ! -type d ! -name '*.la' | sed 's|^\.||' | sort) \
		>"$REAL_DIR/make-install.list"
	# the packages' files, less their docs and lintian overrides, man pages
	# uncompressed and the library in /usr/lib (dh installs it in the
	# multiarch directory)
	cat "$REAL_DIR"/*.files | while read -r f; do [ -d "$f" ] || echo "$f"; done |
		grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' |
		sed 's/\.gz$//; s|^/usr/lib/[a-z0-9_]*-linux-gnu[a-z0-9_]*/|/usr/lib/|' |
		sort >"$REAL_DIR/deb.list"
	run diff "$REAL_DIR/make-install.list" "$REAL_DIR/deb.list"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx /usr/libexec/vnfha/vnfha-alert "$REAL_DIR/make-install.list"
}

@test "real host: statesync with nothing but its defaults runs the installed daemon (key as crm cluster init writes it)" {
	local k pid primary
	# /etc/pacemaker/authkey as crm cluster init writes it (the lab made it as
	# Debian's pacemaker package does, 0640 root:haclient)
	chown hacluster:haclient "$VNFHA_LAB/etc-pacemaker/authkey"
	chmod 0640 "$VNFHA_LAB/etc-pacemaker/authkey"
	# the README's first line, nothing added
	lab on 1 pcs resource create ss ocf:vnfha:statesync promotable notify=true
	lab on 1 crm_resource --wait --timeout=90s
	run lab on 1 crm_mon -1
	echo "$output"
	[[ "$output" == *"Promoted: [ node"* ]]
	for k in 1 2 3; do
		# the installed agent and daemon, the default store, socket and key
		[ "$(lab on "$k" readlink -f /usr/lib/ocf/resource.d/vnfha/statesync)" = \
			/usr/lib/ocf/resource.d/vnfha/statesync ]
		pid=$(lab on "$k" cat /run/vnfha/statesync-ss.pid)
		[ "$(lab on "$k" readlink "/proc/$pid/exe")" = /usr/sbin/vnfha-ckptd ]
		run lab on "$k" sh -c "tr '\\0' ' ' </proc/$pid/cmdline"
		echo "node$k: $output"
		[[ "$output" == *"--store /var/lib/vnfha/ckpt --socket /run/vnfha/ckpt.sock "* ]]
		[[ "$output" == *"--key /etc/pacemaker/authkey"* ]]
		run lab on "$k" stat -c '%n %a %U:%G' /var/lib/vnfha /var/lib/vnfha/ckpt \
			/run/vnfha/ckpt.sock
		[ "${lines[0]}" = "/var/lib/vnfha 755 root:root" ]
		[ "${lines[1]}" = "/var/lib/vnfha/ckpt 700 root:root" ]
		[ "${lines[2]}" = "/run/vnfha/ckpt.sock 660 root:root" ]
		[ "$(lab on "$k" sh -c 'command -v vnfha-ckpt')" = /usr/bin/vnfha-ckpt ]
	done
	# the primary reaches both replicas over TLS with that key
	primary=$(lab on 1 crm_resource --locate --resource ss-clone |
		sed -n 's/.*running on: node\([0-9]*\) Promoted.*/\1/p')
	for _ in $(seq 100); do
		run lab on "$primary" vnfha-ckpt status
		[ "$(grep -c '^peer .* connected' <<<"$output")" = 2 ] && break
		sleep 0.2
	done
	echo "$output"
	[[ "$output" == *"role primary"* ]]
	[ "$(grep -c '^peer .* connected' <<<"$output")" = 2 ]
}

@test "real host: the README's VNF, its VNFC an unprivileged user, loses no acknowledged update to a process kill or a node kill" {
	local active pid old new fault
	local counterd=$REAL_DIR/vnfha-counterd
	# /etc/pacemaker/authkey as pcs cluster setup writes it; statesync
	# restarts on it below
	chmod 0400 "$VNFHA_LAB/etc-pacemaker/authkey"
	lab_add_user "$REAL_USER" "$REAL_UID"
	lab_add_user vnfhaother "$REAL_OTHER_UID"
	# The README's VNF ("Install on your cluster"): the VNFC runs as its own
	# user and reaches the checkpoint socket through statesync's
	# socket_group (vnfha-counterd commits in sync mode by default).
	lab on 1 pcs resource update ss socket_group="$REAL_USER"
	lab on 1 pcs resource create vnf ocf:vnfha:vnfc binary="$counterd" \
		args="--port $VNF_PORT" user="$REAL_USER" \
		op monitor interval=10s role=Promoted op monitor interval=11s role=Unpromoted promotable
	vnf_create_vip
	lab on 1 crm_resource --wait --timeout=120s
	vnf_wait_serving 60
	active=$(vnf_active)
	[ -n "$active" ]
	pid=$(vnf_pid "$active")
	[ "$(lab on "$active" ps -o uid= -p "$pid" | tr -d ' ')" = "$REAL_UID" ]
	run lab on "$active" stat -c '%n %a %U:%G' /run/vnfha/vnfc/vnf.sock /run/vnfha/ckpt.sock
	echo "$output"
	[ "${lines[0]}" = "/run/vnfha/vnfc/vnf.sock 660 $REAL_USER:$REAL_USER" ]
	[ "${lines[1]}" = "/run/vnfha/ckpt.sock 660 root:$REAL_USER" ]
	# another local user reaches neither socket
	run lab on "$active" setpriv --reuid "$REAL_OTHER_UID" --regid "$REAL_OTHER_UID" \
		--init-groups vnfha-ckpt status
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
	run lab on "$active" setpriv --reuid "$REAL_OTHER_UID" --regid "$REAL_OTHER_UID" \
		--init-groups /usr/bin/python3 -c \
		'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).connect(sys.argv[1])' \
		/run/vnfha/vnfc/vnf.sock
	[[ "$output" == *PermissionError* ]]
	# a killed VNFC process
	vnf_client_start 12
	fault=$(lab_now_ms)
	lab kill-process "$active" "$pid"
	vnf_client_check 1
	echo "installed VNF, process kill: answering again after $(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms, lost=0" >&3
	# a killed node
	vnf_wait_serving 30
	old=$(vnf_active)
	vnf_client_start 25
	fault=$(lab_now_ms)
	lab kill-node "$old"
	vnf_client_check 1
	new=$(vnf_active)
	[ -n "$new" ]
	[ "$new" != "$old" ]
	echo "installed VNF, node kill: answering again after $(vnf_recovery_ms "$CLIENT_LOG" "$fault") ms, lost=0" >&3
}

@test "real host: apt-get purge leaves nothing of vnfha on this machine" {
	local left=() f p
	lab_teardown_file
	VNFHA_LAB=
	DEBIAN_FRONTEND=noninteractive apt-get purge -y "${REAL_PACKAGES[@]}"
	[ -z "$(real_installed)" ]
	# Every path the packages held is gone, but for directories another
	# package owns too (/usr/lib/ocf/resource.d, /usr/share/man/man8, ...).
	for p in "${REAL_PACKAGES[@]}"; do
		while read -r f; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			[ -d "$f" ] && dpkg-query -S "$f" >/dev/null 2>&1 && continue
			left+=("$f")
		done <"$REAL_DIR/$p.files"
	done
	echo "left: ${left[*]}"
	[ "${#left[@]}" -eq 0 ]
	[ ! -e /usr/libexec/vnfha ]
	[ ! -e /usr/lib/ocf/resource.d/vnfha ]
	# what the packages made at run time: the store, the run directory
	# (tmpfiles.d), the VNFC logs. The lab's nodes wrote their own /var/lib
	# and /var/log; a bats test of the build tree that runs beside this one
	# may use /run/vnfha and /var/log/vnfha of this machine, so those may be
	# back by now, with that test's files in them: never empty, never ours.
	[ ! -e /var/lib/vnfha ]
	for f in /run/vnfha /var/log/vnfha; do
		[ -d "$f" ] || continue
		echo "$f now:" "$f"/*
		[ -n "$(ls -A "$f")" ]
	done
	[ ! -e /run/vnfha/ckpt.sock ]
	[ ! -e /run/vnfha/vnfc/vnf.sock ]
}
