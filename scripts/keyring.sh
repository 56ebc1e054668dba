#!/usr/bin/env bash
# keyring.sh — a real Secret Service (GNOME Keyring under dbus-run-session)
# for leadcap's keyring tests, headless and private to this worktree.
#
#   scripts/keyring.sh start    install packages if missing, start a D-Bus
#                               session with an unlocked gnome-keyring, write
#                               the env file (a running one is reused)
#   scripts/keyring.sh stop     end the session started by this script
#   scripts/keyring.sh status   say whether it runs
#   scripts/keyring.sh env      print the env file (eval "$(scripts/keyring.sh env)")
#
# The session lives in <repo>/.cache/keyring (gitignored): its keyrings are
# kept there (HOME and XDG_DATA_HOME point there), never in the user's own
# keyring. Tests read <repo>/.cache/keyring/env, which exports
# DBUS_SESSION_BUS_ADDRESS. The session ends by itself after
# LEADCAP_KEYRING_TTL seconds (default 4 hours) if nobody stops it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN=${LEADCAP_KEYRING_RUN:-$ROOT/.cache/keyring}
TTL=${LEADCAP_KEYRING_TTL:-14400}

log() { printf 'keyring.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

running() { [ -f "$RUN/pid" ] && kill -0 "$(cat "$RUN/pid")" 2>/dev/null && [ -f "$RUN/env" ]; }

# works: the Secret Service of the session stores and reads back a value.
works() {
	(
		# shellcheck disable=SC1091
		. "$RUN/env"
		printf probe | timeout 10 secret-tool store --label=leadcap-probe service leadcap-probe user probe 2>/dev/null &&
			[ "$(timeout 10 secret-tool lookup service leadcap-probe user probe 2>/dev/null)" = probe ]
	)
}

start() {
	if running && works; then
		log "a Secret Service runs already; env in $RUN/env"
		return
	fi
	stop_session
	"$ROOT/scripts/deps.sh" keyring
	mkdir -p "$RUN/home/.local/share" "$RUN/home/.cache"
	rm -f "$RUN/env" "$RUN/env.tmp"
	# The keyring's password only unlocks this throw-away test keyring.
	HOME="$RUN/home" XDG_DATA_HOME="$RUN/home/.local/share" XDG_CACHE_HOME="$RUN/home/.cache" \
		RUN="$RUN" TTL="$TTL" setsid dbus-run-session -- sh -c '
			printf leadcap-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
			printf "export DBUS_SESSION_BUS_ADDRESS=%s\n" "$DBUS_SESSION_BUS_ADDRESS" >"$RUN/env.tmp"
			mv "$RUN/env.tmp" "$RUN/env"
			exec sleep "$TTL"' >"$RUN/session.log" 2>&1 </dev/null &
	echo $! >"$RUN/pid"
	for _ in $(seq 1 100); do
		[ -f "$RUN/env" ] && break
		kill -0 "$(cat "$RUN/pid")" 2>/dev/null || die "the D-Bus session ended at once: see $RUN/session.log"
		sleep 0.1
	done
	[ -f "$RUN/env" ] || die "no D-Bus session after 10 s: see $RUN/session.log"
	works || die "gnome-keyring does not store secrets: see $RUN/session.log"
	log "Secret Service runs; env in $RUN/env"
}

# stop_session ends the session's process group (dbus-run-session, its
# dbus-daemon and the sleep); gnome-keyring-daemon leaves with the bus.
stop_session() {
	[ -f "$RUN/pid" ] || return 0
	local pid
	pid=$(cat "$RUN/pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	fi
	rm -f "$RUN/pid" "$RUN/env"
}

case "${1:-}" in
start) start ;;
stop) stop_session; log "stopped" ;;
status) if running; then log "runs; env in $RUN/env"; else log "not running"; exit 1; fi ;;
env) running || die "not running: scripts/keyring.sh start"; cat "$RUN/env" ;;
*) echo "usage: scripts/keyring.sh start|stop|status|env" >&2; exit 2 ;;
esac
