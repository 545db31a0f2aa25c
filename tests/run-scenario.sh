#!/bin/sh
# run-scenario.sh NSSIM EXPECTED_EXIT SCENARIO [nssim run options...]
# Runs a scenario with a trace in a temporary directory and checks the exit
# status; prints the run's summary either way.
nssim=$1 expected=$2 scenario=$3
shift 3
dir=$(mktemp -d) || exit 99
trap 'rm -rf "$dir"' EXIT
"$nssim" run --db "$dir/trace.db" "$@" "$scenario"
status=$?
if [ "$status" -ne "$expected" ]; then
	echo "FAIL: $scenario $*: exit $status, expected $expected" >&2
	exit 1
fi
exit 0
