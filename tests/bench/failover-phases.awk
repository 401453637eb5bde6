# SPDX-License-Identifier: GPL-2.0-or-later
# Where a process kill's failover time went, from the nodes' pacemaker.log
# lines (all nodes, sorted by time; clock times of one machine). Variables:
# t0 (the fault) and t1 (the client's first acknowledged update), both in
# ms since midnight. Prints one line:
#
#   <report> <decide> <actions> <client> <transitions> <idle> <list>
#
#   report       fault -> the controller has the failure (crm_resource --fail's
#                "Failing resource", or a failed monitor's result)
#   decide       report -> the transition whose first action was carried out
#   actions      that decision -> the last action (initiated before t1) confirmed
#                (or t1, whichever is first)
#   client       -> the client's first acknowledged update
#   transitions  scheduler runs from the report to t1 (1 = no recalculation)
#   idle         ms of the actions phase with no action in flight (aborts,
#                recalculations, the controller's own latency)
#   list         rsc:op@node:init_ms:confirm_ms:exec_ms,... (ms after t0;
#                exec_ms is the agent's own execution time, from execd)
# A field that cannot be read is "-".
# Pacemaker's log stamps come from a coarse clock (libqb: one kernel tick,
# 4 ms at HZ=250, 10 ms at HZ=100), so a report that reaches the controller
# within a millisecond of the fault can be stamped before it: lines up to
# one tick (10 ms) before t0 count, as at t0.
function ms(clock, f) {
	split(clock, f, /[:.]/)
	return ((f[1] * 60 + f[2]) * 60 + f[3]) * 1000 + f[4]
}
# "vnf:2_start_0" -> "vnf start"; "ss_post_notify_promote_0" -> "ss notify"
function rsc_op(key, r, o) {
	sub(/_[0-9]+$/, "", key)
	if (match(key, /_(pre|post)_notify_/)) {
		r = substr(key, 1, RSTART - 1)
		o = "notify"
	} else {
		r = key
		sub(/_[^_]*$/, "", r)
		o = substr(key, length(r) + 2)
	}
	sub(/:[0-9]+$/, "", r)
	return r " " o
}
{ t = ms($3) }
t < t0 - 10 { next }
t < t0 { t = t0 }
report == "" && (/fail_lrm_resource/ ||
	(/log_executor_event.*Result of (asyncmon|monitor) operation/ &&
	 !/: (ok|promoted|unpromoted|Cancelled) \|/)) {
	report = t
}
report == "" { next }
/Calculated transition/ { if (t <= t1) { calc[++nc] = t } next }
/execute_rsc_action.*Initiating / {
	if (t > t1) { next }
	for (i = 1; i <= NF; i++) {
		if ($i == "operation") { key = $(i + 1) }
		if ($i == "on") { node = $(i + 1) }
	}
	if (key ~ /_monitor_/) { next }  # recurring monitors, after the recovery
	# as the confirmation names it: "vnf:2_start_0" is "vnf_start_0",
	# "ss_post_notify_promote_0" is "ss_notify_0"
	sub(/:[0-9]+_/, "_", key)
	sub(/_(pre|post)_notify_[a-z]+_/, "_notify_", key)
	na++
	a_key[na] = key; a_node[na] = node; a_init[na] = t; a_conf[na] = ""; a_exec[na] = "-"
	a_name[na] = rsc_op(key)
	next
}
/process_graph_event.*confirmed/ {
	match($0, /\(([^ ]+) on ([^ )]+)\) confirmed/)
	split(substr($0, RSTART + 1, RLENGTH - 12), kn, " on ")
	sub(/:[0-9]+_/, "_", kn[1])
	for (i = 1; i <= na; i++) {
		if (a_conf[i] == "" && a_key[i] == kn[1] && a_node[i] == kn[2]) { a_conf[i] = t; break }
	}
	next
}
/log_finished/ && /execution time/ {
	node = $4
	match($0, /execution time [0-9]+ms/)
	x = substr($0, RSTART + 15, RLENGTH - 17)
	match($0, /info: [^ ]+ [^ ]+ \(call/)
	split(substr($0, RSTART + 6, RLENGTH - 12), ro, " ")
	for (i = 1; i <= na; i++) {
		if (a_exec[i] == "-" && a_node[i] == node && a_name[i] == ro[1] " " ro[2] && a_init[i] <= t) {
			a_exec[i] = x
			break
		}
	}
	next
}
END {
	if (report == "") { print "- - - - - - -"; exit }
	first = ""
	for (i = 1; i <= na; i++) { if (first == "" || a_init[i] < first) { first = a_init[i] } }
	decision = ""
	for (i = 1; i <= nc; i++) {
		if (calc[i] >= report && (first == "" || calc[i] <= first)) { decision = calc[i] }
	}
	n_calc = 0
	for (i = 1; i <= nc; i++) { if (calc[i] >= report) { n_calc++ } }
	if (decision == "" || na == 0) { printf "%d - - - %d - -\n", report - t0, n_calc; exit }
	last = decision
	for (i = 1; i <= na; i++) {
		c = a_conf[i] == "" ? t1 : a_conf[i]
		if (c > last) { last = c }
	}
	if (last > t1) { last = t1 }
	# idle: the part of [decision, last] with no action in flight
	busy = 0; cur_s = ""; cur_e = ""
	n = 0
	for (i = 1; i <= na; i++) { n++; s[n] = a_init[i]; e[n] = a_conf[i] == "" ? t1 : a_conf[i] }
	for (i = 2; i <= n; i++) {  # insertion sort by start
		for (j = i; j > 1 && s[j] < s[j - 1]; j--) {
			x = s[j]; s[j] = s[j - 1]; s[j - 1] = x
			x = e[j]; e[j] = e[j - 1]; e[j - 1] = x
		}
	}
	for (i = 1; i <= n; i++) {
		if (s[i] > last) { break }
		if (e[i] > last) { e[i] = last }
		if (cur_s == "" || s[i] > cur_e) {
			if (cur_s != "") { busy += cur_e - cur_s }
			cur_s = s[i]; cur_e = e[i]
		} else if (e[i] > cur_e) {
			cur_e = e[i]
		}
	}
	if (cur_s != "") { busy += cur_e - cur_s }
	list = ""
	for (i = 1; i <= na; i++) {
		split(a_name[i], ro, " ")
		list = list (i > 1 ? "," : "") ro[1] ":" ro[2] "@" a_node[i] ":" a_init[i] - t0 ":" \
			(a_conf[i] == "" ? "-" : a_conf[i] - t0) ":" a_exec[i]
	}
	printf "%d %d %d %d %d %d %s\n", report - t0, decision - report, last - decision, t1 - last,
		n_calc, (last - decision) - busy, list
}
