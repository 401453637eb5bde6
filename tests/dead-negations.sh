#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lines "! cmd" inside a bats test or bash helper that are not its last command: bash exempts a
# negated command from errexit, so such a line asserts nothing (ShellCheck SC2314/SC2251).
# Prints file:line: text for each; run from a checkout. tests/run-all.sh fails if it prints
# anything. Write `run ! cmd`, `[ ... ]`, or test the status of `run cmd` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files 'tests/*.bats' 'tests/*.bash'
else
	find tests -name '*.bats' -o -name '*.bash'
fi | while read -r f; do
	awk -v f="$f" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (line[i] !~ /^[[:space:]]*! / || line[i] ~ /run !/) continue
				j = i + 1; while (j <= NR && line[j] ~ /^[[:space:]]*(#.*)?$/) j++
				if (j <= NR && line[j] ~ /^[[:space:]]*}[[:space:]]*$/) continue
				print f ":" i ": " line[i]
			}
		}' "$f"
done
