#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# vnfha-lbwatch.service as make install writes it, checked by systemd's own
# tools: `systemd-analyze verify` (syntax, keys, the command, the man page)
# and `systemd-analyze security --offline` (its sandbox). This machine has
# no systemd as PID 1, so the unit is not started here.

UNIT="$VNFHA_BUILDDIR/src/lbwatch/systemd/vnfha-lbwatch.service"

setup() {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze (tests/deps.sh installs systemd)"
	[ -f "$UNIT" ] || skip "build first: $UNIT is missing"
	DIR=$(mktemp -d /tmp/vnfha-unit.XXXXXX)
	# the unit with the build's daemon in place of the installed one, and
	# the man page where man(1) finds it, as after make install
	sed "s|^ExecStart=[^ ]*/vnfha-lbwatch |ExecStart=$VNFHA_BUILDDIR/src/lbwatch/vnfha-lbwatch |" \
		"$UNIT" >"$DIR/vnfha-lbwatch.service"
	mkdir -p "$DIR/man/man8"
	cp "$VNFHA_SRCDIR/man/vnfha-lbwatch.8" "$DIR/man/man8/"
}

teardown() {
	# (setup may have skipped before making it)
	[ -z "${DIR:-}" ] || rm -rf "$DIR"
}

@test "the installed unit runs the installed daemon with the options of its configuration file" {
	local prefix exec_prefix sbindir sysconfdir
	# configure's paths, as make expands them
	prefix=$(sed -n 's/^prefix = //p' "$VNFHA_BUILDDIR/Makefile")
	exec_prefix=$(sed -n 's/^exec_prefix = //p' "$VNFHA_BUILDDIR/Makefile")
	exec_prefix=${exec_prefix//\$\{prefix\}/$prefix}
	sbindir=$(sed -n 's/^sbindir = //p' "$VNFHA_BUILDDIR/Makefile")
	sbindir=${sbindir//\$\{exec_prefix\}/$exec_prefix}
	sysconfdir=$(sed -n 's/^sysconfdir = //p' "$VNFHA_BUILDDIR/Makefile")
	sysconfdir=${sysconfdir//\$\{prefix\}/$prefix}
	grep -qx "ExecStart=$sbindir/vnfha-lbwatch \$LBWATCH_OPTS" "$UNIT"
	grep -qx "EnvironmentFile=$sysconfdir/vnfha/lbwatch.conf" "$UNIT"
	grep -qx "ConditionPathExists=$sysconfdir/vnfha/lbwatch.conf" "$UNIT"
	run grep -c '@[a-z]*@' "$UNIT"
	[ "$output" = 0 ]
}

@test "systemd-analyze verify finds nothing to say about the unit" {
	run env MANPATH="$DIR/man" systemd-analyze verify "$DIR/vnfha-lbwatch.service"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the unit is confined: systemd-analyze security rates it 2.0 (OK) or better" {
	grep -qx 'ProtectSystem=strict' "$UNIT"
	grep -qx 'StateDirectory=vnfha' "$UNIT"
	grep -qx 'Restart=on-failure' "$UNIT"
	run systemd-analyze security --offline=yes --threshold=20 "$DIR/vnfha-lbwatch.service"
	echo "$output" | tail -n 3
	[ "$status" -eq 0 ]
	[[ "$output" == *"Overall exposure level for vnfha-lbwatch.service: "[0-2].[0-9]* ]]
}

@test "the example configuration is options vnfha-lbwatch accepts" {
	local opts
	opts=$(sed -n 's/^LBWATCH_OPTS=//p' "$VNFHA_SRCDIR/src/lbwatch/systemd/lbwatch.conf.example")
	[ -n "$opts" ]
	# split on white space as systemd splits $LBWATCH_OPTS; --interval 10s
	# and a dead socket: it starts, finds no HAProxy and is stopped by us
	# shellcheck disable=SC2086 # split as systemd does
	timeout -s TERM 1 "$VNFHA_BUILDDIR/src/lbwatch/vnfha-lbwatch" $opts \
		--state-file "$DIR/lbwatch.state" --interval 10s >"$DIR/out" 2>&1 || status=$?
	cat "$DIR/out"
	# 124: still running when timeout stopped it (2 would be refused options)
	[ "${status:-0}" -eq 124 ] || [ "${status:-0}" -eq 0 ]
	run grep -c 'invalid\|unknown option\|usage' "$DIR/out"
	[ "$output" = 0 ]
}
