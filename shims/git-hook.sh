# ai-trace git hook body, sourced by the managed hooks that `trace init` writes.
# $0 is the hook's path, "$@" its arguments. Runs the chained original hook first and
# keeps its exit status; ai-trace's own part never fails the hook unless enforcement is on.
[ "${TRACE-}" = 2 ] && set -x
trace_name=${0##*/}
trace_root=${trace_shim%/shims/git-hook.sh}
trace_in=
case $trace_name in
  pre-push|post-rewrite)
    trace_in=$(mktemp "${TMPDIR:-/tmp}/ai-trace.XXXXXX") || exit 0
    cat > "$trace_in" ;;
esac
trace_done() { [ -n "$trace_in" ] && rm -f "$trace_in"; exit "$1"; }

# A shell backup is sourced with $0 kept, so hook managers that read their name from $0 (husky) still work.
trace_run_backup() {
  trace_first=
  IFS= read -r trace_first < "$0.chainloop-backup" 2>/dev/null
  case $trace_first in
    '#!/bin/sh'*|'#!/usr/bin/env sh'*|'#!/bin/dash'*) sh -c '. "$0.chainloop-backup"' "$0" "$@" ;;
    '#!/bin/bash'*|'#!/usr/bin/env bash'*) bash -c '. "$0.chainloop-backup"' "$0" "$@" ;;
    *) "$0.chainloop-backup" "$@" ;;
  esac
}
if [ -x "$0.chainloop-backup" ]; then
  if [ -n "$trace_in" ]; then trace_run_backup "$@" < "$trace_in"; else trace_run_backup "$@"; fi
  trace_rc=$?
  [ "$trace_rc" -ne 0 ] && trace_done "$trace_rc"
fi
[ "${TRACE-}" = 0 ] && trace_done 0

if [ -d .git ]; then trace_gd="$PWD/.git"
else trace_gd=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || trace_done 0
fi
trace_dir="$trace_gd/chainloop-trace"
trace_node() { node "$trace_root/bin/trace.js" hook "$@"; }
if [ -n "${TRACE_HOME-}" ]; then trace_home=$TRACE_HOME
elif [ -d /System/Library ]; then trace_home="$HOME/Library/Application Support/ai-trace"
else trace_home="${XDG_STATE_HOME:-$HOME/.local/state}/ai-trace"
fi
trace_sock="$trace_home/run/daemon.sock"

# Leaves a git event in the per-user spool for the daemon: header lines, "--", then stdin.
trace_spool() {
  trace_sp="$trace_home/spool"
  (umask 077; [ -d "$trace_sp/new" ] || mkdir -p "$trace_sp/tmp" "$trace_sp/new" "$trace_sp/blobs") || return 0
  trace_ts=$(date +%s%N 2>/dev/null)
  case $trace_ts in *N|'') trace_ts="$(date +%s)000000000" ;; esac
  trace_id="$trace_ts-$$-git-$trace_name"
  {
    printf 'ai-trace-git 1\nhook %s\nrepo %s\ngitdir %s\n' "$trace_name" "$PWD" "$trace_gd"
    for trace_a in "$@"; do printf 'arg %s\n' "$trace_a"; done
    printf -- '--\n'
    if [ -n "$trace_in" ]; then cat "$trace_in"; fi
  } > "$trace_sp/tmp/$trace_id" && mv "$trace_sp/tmp/$trace_id" "$trace_sp/new/$trace_id.git"
  printf '%s git %s\n' "$trace_ts" "$trace_name" >> "$trace_dir/log.txt" 2>/dev/null
  # the daemon ingests the spool; start it in the background if it is not there
  [ -S "$trace_sock" ] || (node "$trace_root/bin/trace.js" daemon start >/dev/null 2>&1 &)
}

case $trace_name in
  commit-msg)
    # fast path: no agent ever edited a file in this repository
    [ -f "$trace_dir/traced" ] || trace_done 0
    # a running daemon answers over its socket (cheap); otherwise node starts it and asks
    if [ -S "$trace_sock" ] && command -v curl >/dev/null 2>&1; then
      curl -sf -m 30 --unix-socket "$trace_sock" --data-urlencode "repo=$PWD" --data-urlencode "messageFile=$1" \
        --data-urlencode "indexFile=${GIT_INDEX_FILE-}" http://ai-trace/v1/hooks/commit-msg >/dev/null 2>&1 && trace_done 0
    fi
    trace_node commit-msg "$1" || true ;;
  post-commit)
    [ -f "$trace_dir/traced" ] || trace_done 0
    # set now, not when the daemon gets to the event: `git commit && git push` must not skip the pre-push
    [ -f "$trace_dir/ai-pending" ] && : > "$trace_dir/unpushed"
    trace_spool "head=$(git rev-parse HEAD 2>/dev/null)" ;;
  post-rewrite)
    [ -d "$trace_dir" ] || trace_done 0
    # rewritten traced commits (rebase, amend) are new commits to attest; the daemon clears it if not
    [ -f "$trace_dir/traced" ] && : > "$trace_dir/unpushed"
    trace_spool "$1" ;;
  pre-push)
    [ -f "$trace_dir/unpushed" ] || trace_done 0
    if grep -Eqs '^requireTrace:[[:space:]]*true' .chainloop.yml .chainloop.yaml; then
      trace_node pre-push "$1" "$2" < "$trace_in"
      trace_done $?
    fi
    trace_spool "$1" "$2" ;;
esac
trace_done 0
