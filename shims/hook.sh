#!/bin/sh
# ai-trace agent hook: records one event in the spool and returns at once.
# Usage: hook.sh <agent> <Event> [edit|other|start|mark|gitenv] [path keys], payload JSON on stdin;
# sourced by the command an agent adapter writes into the agent's hook config (with $h set to this
# file), or run directly. Always exits 0 (TRACE=0 off, TRACE=2 trace). `edit`: an edit tool's call (the
# file named under one of the space-separated path keys, default `file_path notebook_path`, is
# snapshotted); `other`: any other tool; `start`: a session starts (the daemon is started); `mark`: a
# tool that may change files no single key names (Codex's apply_patch): the repository is marked as
# holding agent work, so the commit hooks ask the daemon; `gitenv`: a shell tool that runs git with git
# hooks off (Gemini CLI): a git command gets ai-trace's own hooks back (git-env.awk); none: a tool event
# of the hand-written `trace-hook claude PreToolUse` form finds out from the payload.
#
# Every process counts: Claude Code waits for this on every step of the agent. Events go straight into
# spool/new (the daemon orders them by the files' mtimes and waits for one still being written); the
# name only has to be unique: a counter kept in the spool, and the pid.
[ "${TRACE-}" = 0 ] && exit 0
[ "${TRACE-}" = 2 ] && set -x
umask 077

agent=${1:-unknown}
event=${2:-unknown}
flavor=${3-}
keys=${4-}
self=${h:-$0}
shims=${self%/*}
# run as `trace-hook` from PATH: a link into the package
[ -L "$self" ] && { shims=$(readlink -f "$self" 2>/dev/null) && shims=${shims%/*} || shims=${self%/*}; }

if [ -n "${TRACE_HOME-}" ]; then home=$TRACE_HOME
elif [ -d /System/Library ]; then home="$HOME/Library/Application Support/ai-trace"
else home="${XDG_STATE_HOME:-$HOME/.local/state}/ai-trace"
fi
spool="$home/spool"
[ -d "$spool/new" ] || mkdir -p "$spool/new" "$spool/blobs" 2>/dev/null || exit 0

{ read -r seq < "$spool/seq"; } 2>/dev/null
case $seq in '' | *[!0-9]*) seq=0 ;; esac
seq=$((seq + 1))
echo "$seq" 2>/dev/null > "$spool/seq"
id="$seq-$$-$agent-$event"

root=${CLAUDE_PROJECT_DIR:-$PWD}
gd="$root/.git"
if [ -f "$gd" ]; then read -r gd < "$gd"; gd=${gd#gitdir: }; gd=${gd%/worktrees/*}; fi
log() {
  [ -d "$gd/chainloop-trace" ] && printf '%s %s %s %s %s\n' "$seq-$$" "$agent" "$event" "${tool-}" "${1-}" 2>/dev/null >> "$gd/chainloop-trace/log.txt"
  exit 0
}

case $event:$flavor in
  *:edit | PreToolUse: | PostToolUse: | PostToolUseFailure:) ;;
  *:gitenv)
    # one awk process saves the payload and, for a command that runs git, answers with it rewritten
    marks=
    [ -d "$gd/chainloop-trace" ] && marks="$gd/chainloop-trace"
    trace_payload="$spool/new/$id.json" trace_hooks=${marks:+$marks/hooks} trace_log=${marks:+$marks/log.txt} \
      trace_prefix="$seq-$$ $agent $event" awk -f "$shims/git-env.awk" 2> /dev/null && exit 0
    [ -s "$spool/new/$id.json" ] || rm -f "$spool/new/$id.json"
    log "payload-not-saved" ;;
  *)
    # nothing to snapshot (`-o`: no snapshot was attempted, even if the tool turns out to edit)
    [ "$flavor" = other ] && id="$id-o"
    cat 2>/dev/null > "$spool/new/$id.json" || { rm -f "$spool/new/$id.json"; exit 0; }
    # (after the event is written: the daemon clears the marker only once the spool is empty)
    if [ "$flavor" = mark ] && [ -d "$gd/chainloop-trace" ]; then
      true 2>/dev/null > "$gd/chainloop-trace/ai-pending"
      true 2>/dev/null > "$gd/chainloop-trace/traced"
    fi
    # a session starts: make sure the daemon runs (in the background), so it can watch the work tree
    case $flavor:$event in start:* | *:SessionStart)
      if [ "${TRACE_AUTOSTART-}" != 0 ] && [ ! -S "$home/run/daemon.sock" ]; then
        (node "$shims/../bin/trace.js" daemon start > /dev/null 2>&1 &)
      fi ;;
    esac
    log ;;
esac

# An edit: one awk process saves the payload, snapshots the file it names (when in the work tree),
# writes `<id>.done` (the daemon waits for it) and the log line: see edit-event.awk.
id="$id-e"
top=$root
if [ ! -d "$gd" ]; then # CLAUDE_PROJECT_DIR below the work tree's top
  { read -r top; read -r gd; } << EOS
$(git -C "$root" rev-parse --path-format=absolute --show-toplevel --git-common-dir 2> /dev/null)
EOS
fi
marks=
[ -d "$gd/chainloop-trace" ] && marks="$gd/chainloop-trace"
trace_payload="$spool/new/$id.json" trace_blob="$spool/blobs/$id" trace_top=$top trace_marks=$marks trace_keys=$keys \
  trace_log=${marks:+$marks/log.txt} trace_prefix="$seq-$$ $agent $event" \
  awk -f "$shims/edit-event.awk" 2> /dev/null && exit 0
# awk stopped early (a directory for a path, no awk at all): the event is complete all the same. (Not
# `.done` tested: the daemon may have applied the event and removed it already.)
[ -f "$spool/new/$id.json" ] || cat 2>/dev/null > "$spool/new/$id.json"
# (`true`, not `:`: a failed redirection of a special builtin would end the hook with status 2, which
# Claude Code takes for "block this tool call")
true 2>/dev/null > "$spool/blobs/$id.done" # (stderr first: a failed redirection reports before a later one applies)
log "snapshot-failed"
