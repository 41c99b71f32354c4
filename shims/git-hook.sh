# ai-trace git hook body, sourced by the managed hooks that `trace init` writes.
# $0 is the hook's path, "$@" its arguments. Runs the chained original hook first and
# keeps its exit status; ai-trace's own part never fails the hook unless enforcement is on.
[ "${TRACE-}" = 2 ] && set -x
trace_name=${0##*/}
trace_root=${trace_shim%/shims/git-hook.sh}

# this work tree's git dir (`trace_wd`) and the repository's common one (`trace_gd`), without running
# git where the hook's cwd (the work tree's top) shows them
if [ -d .git ]; then trace_wd="$PWD/.git"; trace_gd=$trace_wd
elif [ -f .git ] && read -r trace_wd < .git && trace_wd=${trace_wd#gitdir: } && { [ -d "$trace_wd/commondir" ] || [ -f "$trace_wd/commondir" ]; }; then
  read -r trace_gd < "$trace_wd/commondir"
  case $trace_gd in /*) ;; *) trace_gd="$trace_wd/$trace_gd" ;; esac
else
  trace_wd=$(git rev-parse --path-format=absolute --git-dir 2>/dev/null)
  trace_gd=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
fi
trace_dir="$trace_gd/chainloop-trace"

# fast path: nothing for ai-trace to do here and no chained hook: leave at once, stdin unread
if [ ! -x "$0.chainloop-backup" ]; then
  case $trace_name in
    pre-push) [ -f "$trace_dir/unpushed" ] || exit 0 ;;
    *) [ -f "$trace_dir/traced" ] || exit 0 ;;
  esac
fi

# stdin is kept in a file when more than one reader needs it (a chained hook, post-rewrite's marker
# check); otherwise pre-push streams it straight into the spool
trace_in=
case $trace_name in
  pre-push|post-rewrite)
    if [ "$trace_name" = post-rewrite ] || [ -x "$0.chainloop-backup" ]; then
      trace_in=$(mktemp "${TMPDIR:-/tmp}/ai-trace.XXXXXX") || exit 0
      cat > "$trace_in"
    fi ;;
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

trace_node() { node "$trace_root/bin/trace.js" hook "$@"; }
# shellcheck source=shims/home.sh
. "$trace_root/shims/home.sh"
trace_sock="$trace_home/run/daemon.sock"

# What the push needs of .chainloop.yml and the user config, read from the flat settings file `trace
# init` and the daemon generate (src/config/shim-settings.ts), never from the YAML: sets trace_require
# (requireTrace: true), trace_gates (policies.gates) and trace_token_names (every destination's tokenEnv). The file counts
# only when it names this work tree's config and TRACE_HOME and is newer than both configs (strictly:
# a change within the same clock tick reads as stale); else node writes it anew. Should that fail, the
# push takes the enforced path, which reports why: a stale file never answers silently.
trace_config() {
  trace_require=
  trace_gates=
  trace_token_names=
  trace_cfg="$PWD/.chainloop.yml"
  [ -f "$trace_cfg" ] || trace_cfg="$PWD/.chainloop.yaml"
  [ -f "$trace_cfg" ] || trace_cfg=
  trace_ucfg="$trace_home/config.yml"
  trace_set="$trace_dir/settings"
  trace_settings && return 0
  if node "$trace_root/bin/trace.js" hook settings >/dev/null 2>&1 && trace_settings written; then
    printf '%s git %s settings rewritten\n' "$$" "$trace_name" 2>/dev/null >> "$trace_dir/log.txt"
    return 0
  fi
  printf '%s git %s settings unreadable: enforced\n' "$$" "$trace_name" 2>/dev/null >> "$trace_dir/log.txt"
  trace_require=1
}
# Reads the settings file; false when it is missing or (unless node has just written it) stale.
trace_settings() {
  [ -f "$trace_set" ] || return 1
  if [ "${1-}" != written ]; then
    [ -z "$trace_cfg" ] || [ "$trace_set" -nt "$trace_cfg" ] || return 1
    [ ! -e "$trace_ucfg" ] || [ "$trace_set" -nt "$trace_ucfg" ] || return 1
  fi
  trace_s_src=-
  trace_s_ucfg=-
  trace_require=
  trace_gates=
  trace_token_names=
  while IFS=' ' read -r trace_k trace_v || [ -n "$trace_k" ]; do
    case $trace_k in
      source) trace_s_src=$trace_v ;;
      user_config) trace_s_ucfg=$trace_v ;;
      require_trace) [ "$trace_v" = 1 ] && trace_require=1 ;;
      gates) [ "$trace_v" = 1 ] && trace_gates=1 ;;
      token_env)
        set -f # names only (they are expanded with eval in trace_tokens), never globbed
        for trace_n in $trace_v; do
          case $trace_n in [A-Za-z_]*) case $trace_n in *[!A-Za-z0-9_]*) ;; *) trace_token_names="$trace_token_names $trace_n" ;; esac ;; esac
        done
        set +f ;;
    esac
  done < "$trace_set"
  [ "${1-}" = written ] && return 0
  [ "$trace_s_src" = "${trace_cfg:-}" ] && [ "$trace_s_ucfg" = "$trace_ucfg" ]
}

# `token NAME VALUE` for each HTTP destination's tokenEnv set in this (the pusher's) environment: the
# daemon delivers with it even if it was started elsewhere without it. Never logged.
trace_tokens() {
  for trace_n in $trace_token_names; do
    eval "trace_v=\${$trace_n-}"
    case $trace_v in ''|*'
'*) continue ;; esac
    printf 'token %s %s\n' "$trace_n" "$trace_v"
  done
  return 0
}

# Leaves a git event in the per-user spool for the daemon: header lines, "--", stdin, then "-- end"
# (written straight into spool/new, no rename: the daemon waits for the end line).
trace_spool() {
  umask 077 # a pre-push event may carry tokens; nothing else is written after this
  trace_sp="$trace_home/spool"
  # state of this user's only (see hook.sh); the node fallback then says why and what to do
  for trace_d in "$trace_home" "$trace_sp" "$trace_sp/new"; do
    if [ -h "$trace_d" ] || { [ -e "$trace_d" ] && [ ! -O "$trace_d" ]; }; then
      printf '%s git %s TRACE_HOME-not-owned:refused(%s)\n' "$$" "$trace_name" "$trace_d" 2>/dev/null >> "$trace_dir/log.txt"
      return 1
    fi
  done
  [ -d "$trace_sp/new" ] || mkdir -p "$trace_sp/new" "$trace_sp/blobs" 2>/dev/null || return 1
  { read -r trace_seq < "$trace_sp/seq"; } 2>/dev/null
  case $trace_seq in '' | *[!0-9]*) trace_seq=0 ;; esac
  trace_seq=$((trace_seq + 1))
  echo "$trace_seq" 2>/dev/null >| "$trace_sp/seq"
  trace_id="$trace_seq-$$-git-$trace_name"
  set -C # never replace an existing file, nor follow a symlink to one
  {
    printf 'ai-trace-git 1\nhook %s\nrepo %s\ngitdir %s\n' "$trace_name" "$PWD" "$trace_gd"
    for trace_a in "$@"; do printf 'arg %s\n' "$trace_a"; done
    [ "$trace_name" = pre-push ] && trace_tokens
    printf -- '--\n'
    if [ -n "$trace_in" ]; then cat "$trace_in"
    elif [ "$trace_name" = pre-push ]; then # a line per pushed ref: builtins, no cat process
      while IFS= read -r trace_l || [ -n "$trace_l" ]; do printf '%s\n' "$trace_l"; done
    fi
    printf -- '-- end\n'
  } 2>/dev/null > "$trace_sp/new/$trace_id.git" || { set +C; return 1; }
  set +C
  printf '%s git %s\n' "$trace_seq-$$" "$trace_name" 2>/dev/null >> "$trace_dir/log.txt"
  # the daemon ingests the spool; start it in the background if it is not there
  [ -S "$trace_sock" ] || (node "$trace_root/bin/trace.js" daemon start >/dev/null 2>&1 &)
  return 0
}

# A git event the spool could not take (TRACE_HOME full): the daemon records the commit afterwards and
# names what it may have mislabelled.
trace_lost() {
  printf '%s git %s %s\n' "$(date +%s)" "$trace_name" "${1-}" 2>/dev/null >> "$trace_dir/lost"
  return 0
}

# Asks the running daemon for this commit's trailer: the question goes into the spool (after every
# agent event before it; the daemon answers it ahead of a backlog when it can), the answer comes back
# on this work tree's FIFO: "<spool key> ok" (the message is done), "none" (no session to name) or
# "trailer <ids>" (for the hook to add). No curl or node: either costs more than all the rest. A
# watchdog ends the wait within a second of the daemon's exit (returns 1), or after TRACE_COMMIT_WAIT
# seconds (default 10; returns 2: the daemon is busy, the commit goes on without a trailer); the
# question is then withdrawn. Sets trace_got (ok or none) when answered.
trace_ask() {
  [ -S "$trace_sock" ] || return 1
  trace_dpid= # a daemon that answers questions this way says so in answers.pid
  { read -r trace_dpid < "$trace_home/run/answers.pid"; } 2>/dev/null
  case $trace_dpid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$trace_dpid" 2>/dev/null || return 1
  if [ -r "/proc/$trace_dpid/cmdline" ]; then # and not a pid reused since a daemon was killed
    trace_dcmd=
    { read -r trace_dcmd < "/proc/$trace_dpid/cmdline"; } 2>/dev/null # NULs dropped, no newline
    case $trace_dcmd in *daemon/main.js*) ;; *) return 1 ;; esac
  fi
  trace_fifo="$trace_dir/answer.${trace_wd##*/}"
  [ -p "$trace_fifo" ] || { rm -f "$trace_fifo" && mkfifo -m 600 "$trace_fifo"; } 2>/dev/null || return 1
  # read-write: opening never blocks, and the wait has no end of file. (`command`: a failed redirection
  # of a special builtin such as exec or `:` would end the whole hook, and with it the commit.)
  { command exec 3<>"$trace_fifo"; } 2>/dev/null || return 1
  trace_ppid_arg="ppid=$PPID"
  if [ ! -r "/proc/$PPID/cmdline" ]; then trace_ppid_arg="cmd=$(ps -o args= -p "$PPID" 2>/dev/null)"; fi
  if ! trace_spool "msg=$1" "index=${GIT_INDEX_FILE-}" "$trace_ppid_arg" "reply=$trace_fifo"; then
    exec 3<&-
    return 1
  fi
  trace_wait=${TRACE_COMMIT_WAIT:-10}
  case $trace_wait in '' | *[!0-9]*) trace_wait=10 ;; esac
  (
    trace_i=0
    while [ "$trace_i" -lt "$trace_wait" ] && kill -0 "$trace_dpid" 2>/dev/null; do sleep 1 3<&-; trace_i=$((trace_i + 1)); done
    if kill -0 "$trace_dpid" 2>/dev/null; then echo "$trace_id timeout" >&3; else echo "$trace_id gone" >&3; fi
  ) < /dev/null > /dev/null 2>&1 &
  trace_watchdog=$!
  trace_got=
  while IFS=' ' read -r trace_key trace_got <&3; do
    [ "$trace_key" = "$trace_id" ] && break
    trace_got=
  done
  kill "$trace_watchdog" 2>/dev/null
  exec 3<&-
  case $trace_got in
    ok | none) return 0 ;;
    'trailer '?*) git interpret-trailers --in-place --if-exists replace --if-missing add \
      --trailer "Chainloop-Trace-Sessions: ${trace_got#trailer }" "$1" && trace_got=ok && return 0 ;;
  esac
  rm -f "$trace_sp/new/$trace_id.git" # withdrawn: the daemon must not write into the message later
  if [ "$trace_got" = timeout ]; then
    trace_queued=0 # what the daemon still had to take in (builtins only: a glob, no ls)
    for trace_f in "$trace_sp"/new/*; do [ -e "$trace_f" ] && trace_queued=$((trace_queued + 1)); done
    printf '%s git %s no answer within %s s (%s events queued): committed without the trailer, its sessions are attested at push\n' \
      "$trace_seq-$$" "$trace_name" "$trace_wait" "$trace_queued" 2>/dev/null >> "$trace_dir/log.txt"
    return 2
  fi
  printf '%s git %s no answer from the daemon (%s)\n' "$trace_seq-$$" "$trace_name" "${trace_got:-none}" 2>/dev/null >> "$trace_dir/log.txt"
  return 1
}

# True when this commit may carry agent lines: an agent edit is waiting to be committed, or git is
# replaying or reshaping commits (pick, revert, rebase, squash merge, amend, a commit after a reset),
# whose lines may come from agent commits. Builtins only, but for an amend check that rarely runs.
trace_carry_file="$trace_dir/carry.${trace_wd##*/}" # one per work tree: "<git pid> yes|no [ok|none]" (ok|none: prepare-commit-msg's answer)
trace_c=
trace_may_carry() {
  # prepare-commit-msg (first of a commit's hooks) decides for the git process running them, later
  # hooks of the same commit read its answer
  if [ "$trace_name" != prepare-commit-msg ] && [ -f "$trace_carry_file" ]; then
    read -r trace_c_pid trace_c_yes trace_c < "$trace_carry_file"
    if [ "$trace_c_pid" = "$PPID" ]; then [ "$trace_c_yes" = yes ]; return; fi
    trace_c=
  fi
  if trace_judge; then echo "$PPID yes" 2>/dev/null > "$trace_carry_file"; return 0; fi
  echo "$PPID no" 2>/dev/null > "$trace_carry_file"
  return 1
}
trace_judge() {
  [ -f "$trace_dir/ai-pending" ] && return 0
  for trace_f in MERGE_MSG SQUASH_MSG CHERRY_PICK_HEAD REVERT_HEAD MERGE_HEAD rebase-merge rebase-apply sequencer; do
    [ -e "$trace_wd/$trace_f" ] && return 0
  done
  [ -e "$trace_wd/ORIG_HEAD" ] && [ ! "$trace_dir/last-commit" -nt "$trace_wd/ORIG_HEAD" ] && return 0
  # an amend carries the amended commit's lines: none of an agent's when post-commit saw HEAD made
  # here without any
  if [ -f "$trace_dir/last-commit" ]; then
    read -r trace_lc_sha trace_lc_kind < "$trace_dir/last-commit"
    [ "$trace_lc_kind" = human ] && trace_head && [ "$trace_lc_sha" = "$trace_sha" ] && return 1
  fi
  if [ -r "/proc/$PPID/cmdline" ]; then grep -qa -e '--amend' "/proc/$PPID/cmdline" 2>/dev/null
  else ps -o args= -p "$PPID" 2>/dev/null | grep -q -e '--amend'
  fi
}

# Sets trace_sha to HEAD's commit id, read from the git dir (git itself only for packed refs).
trace_head() {
  read -r trace_sha < "$trace_wd/HEAD" || return 1
  case $trace_sha in
    'ref: '*) trace_sha=${trace_sha#ref: }
      if [ -f "$trace_gd/$trace_sha" ]; then read -r trace_sha < "$trace_gd/$trace_sha"
      else trace_sha=$(git rev-parse HEAD 2>/dev/null)
      fi ;;
  esac
  [ -n "$trace_sha" ]
}

case $trace_name in
  prepare-commit-msg|commit-msg)
    # The trailer is written in prepare-commit-msg, which also runs for the commits rebase -i (squash,
    # fixup), cherry-pick and revert make without commit-msg; commit-msg only redoes it when that did
    # not happen or the trailer was edited away. Fast path: no agent ever edited a file in this repository.
    [ -f "$trace_dir/traced" ] || trace_done 0
    trace_may_carry || trace_done 0
    # prepare-commit-msg's answer, kept in the carry file: none (nothing to name), ok (named) or
    # timeout:<queued> (the daemon was busy: this commit waits no more)
    if [ "$trace_name" = commit-msg ]; then
      case $trace_c in
        none | timeout:*) trace_done 0 ;;
        ok)
          while IFS= read -r trace_line; do
            case $trace_line in [Cc][Hh][Aa][Ii][Nn][Ll][Oo][Oo][Pp]-[Tt][Rr][Aa][Cc][Ee]-[Ss][Ee][Ss][Ss][Ii][Oo][Nn][Ss]:*) trace_done 0 ;; esac
          done < "$1" ;;
      esac
    fi
    trace_ask "$1"
    case $? in
      0) [ "$trace_name" = prepare-commit-msg ] && echo "$PPID yes $trace_got" 2>/dev/null > "$trace_carry_file"
        trace_done 0 ;;
      2) echo "$PPID yes timeout:$trace_queued" 2>/dev/null > "$trace_carry_file"
        trace_done 0 ;;
    esac
    # no daemon answered: node starts it and asks, with the git command running the hook (`--amend`
    # counts HEAD's own changes too)
    if [ -r "/proc/$PPID/cmdline" ]; then trace_cmd=$(tr '\0' ' ' < "/proc/$PPID/cmdline" 2>/dev/null)
    else trace_cmd=$(ps -o args= -p "$PPID" 2>/dev/null)
    fi
    # it prints timeout:<queued> when the daemon was too busy to answer within the bound
    trace_out=$(TRACE_GIT_COMMAND=${trace_cmd-} node "$trace_root/bin/trace.js" hook commit-msg "$1") || true
    case $trace_out in timeout:*) echo "$PPID yes $trace_out" 2>/dev/null > "$trace_carry_file" ;; esac ;;
  post-commit)
    [ -f "$trace_dir/traced" ] || trace_done 0
    # a plain human commit with no agent edit pending carries no agent line: nothing to record now
    # (trace show computes it from history when asked); last-commit says which kind HEAD is
    trace_may_carry
    trace_carry=$?
    trace_head || trace_sha=
    if [ "$trace_carry" != 0 ]; then
      echo "$trace_sha human" 2>/dev/null > "$trace_dir/last-commit"
      trace_done 0
    fi
    echo "$trace_sha agent" 2>/dev/null > "$trace_dir/last-commit"
    # work to attest exists now, not when the daemon gets to the event: `git commit && git push` must
    # not skip the pre-push (the daemon clears the marker when nothing is left to attest)
    true 2>/dev/null > "$trace_dir/unpushed"
    # a commit made without the daemon's answer: the daemon records it and `trace status` names it
    case $trace_c in
      timeout:*) trace_spool "head=$trace_sha" "unanswered=${trace_c#timeout:}" || trace_lost "$trace_sha" ;;
      *) trace_spool "head=$trace_sha" || trace_lost "$trace_sha" ;;
    esac ;;
  post-rewrite)
    [ -d "$trace_dir" ] || trace_done 0
    # rewritten traced commits (rebase, amend) are new commits to attest
    [ -f "$trace_dir/traced" ] && cut -d' ' -f2 "$trace_in" | git log --no-walk --stdin --format=%B 2>/dev/null |
      grep -q '^Chainloop-Trace-Sessions:' && true 2>/dev/null > "$trace_dir/unpushed"
    trace_spool "$1" || trace_lost ;;
  pre-push)
    [ -f "$trace_dir/unpushed" ] || trace_done 0
    trace_config
    if [ -n "$trace_require" ] || [ -n "$trace_gates" ]; then
      if [ -n "$trace_in" ]; then trace_node pre-push "$1" "$2" < "$trace_in"; else trace_node pre-push "$1" "$2"; fi
      trace_done $?
    fi
    trace_spool "$1" "$2" || trace_lost ;;
esac
trace_done 0
