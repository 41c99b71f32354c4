#!/bin/sh
# ai-trace agent hook: records one event in the spool and returns at once.
# Usage: hook.sh <agent> <Event> [edit|other], payload JSON on stdin; sourced by the command in
# .claude/settings.json (with $h set to this file), or run directly. Always exits 0 (TRACE=0 off,
# TRACE=2 trace). `edit`: an Edit/Write/MultiEdit/NotebookEdit call (the file is snapshotted);
# `other`: any other tool; none: find out from the payload.
#
# Every process counts: Claude Code waits for this on every step of the agent. Events go straight into
# spool/new (the daemon orders them by the files' mtimes and waits for one still being written); the
# name only has to be unique: a counter kept in the spool, and the pid.
[ "${TRACE-}" = 0 ] && exit 0
[ "${TRACE-}" = 2 ] && set -x
umask 077

agent=${1:-claude}
event=${2:-unknown}
flavor=${3-}
self=${h:-$0}

if [ -n "${TRACE_HOME-}" ]; then home=$TRACE_HOME
elif [ -d /System/Library ]; then home="$HOME/Library/Application Support/ai-trace"
else home="${XDG_STATE_HOME:-$HOME/.local/state}/ai-trace"
fi
spool="$home/spool"
[ -d "$spool/new" ] || mkdir -p "$spool/tmp" "$spool/new" "$spool/blobs" 2>/dev/null || exit 0

{ read -r seq < "$spool/seq"; } 2>/dev/null
case $seq in '' | *[!0-9]*) seq=0 ;; esac
seq=$((seq + 1))
echo "$seq" > "$spool/seq" 2>/dev/null
id="$seq-$$-$agent-$event"

root=${CLAUDE_PROJECT_DIR:-$PWD}
gd="$root/.git"
if [ -f "$gd" ]; then read -r gd < "$gd"; gd=${gd#gitdir: }; gd=${gd%/worktrees/*}; fi
log() {
  [ -d "$gd/chainloop-trace" ] && printf '%s %s %s %s %s\n' "$seq-$$" "$agent" "$event" "${tool-}" "${1-}" >> "$gd/chainloop-trace/log.txt" 2>/dev/null
  exit 0
}

case $event:$flavor in
  PreToolUse:edit | PostToolUse:edit | PostToolUseFailure:edit | PreToolUse: | PostToolUse: | PostToolUseFailure:) ;;
  *:other | SessionStart:* | UserPromptSubmit:* | Stop:* | StopFailure:* | SubagentStop:* | SessionEnd:*)
    # nothing to snapshot (`-o`: no snapshot was attempted, even if the tool turns out to edit)
    [ "$flavor" = other ] && id="$id-o"
    cat > "$spool/new/$id.json" 2>/dev/null || { rm -f "$spool/new/$id.json"; exit 0; }
    # a session starts: make sure the daemon runs (in the background), so it can watch the work tree
    if [ "$event" = SessionStart ] && [ "${TRACE_AUTOSTART-}" != 0 ] && [ ! -S "$home/run/daemon.sock" ]; then
      (node "${self%/*}/../bin/trace.js" daemon start > /dev/null 2>&1 &)
    fi
    log ;;
  *)
    # any other event: keep it as it comes
    cat > "$spool/new/$id.json" 2>/dev/null || rm -f "$spool/new/$id.json"
    log ;;
esac

# An edit: the one sed saves the payload (byte for byte: `w`, LC_ALL=C) and prints the tool name and
# the edited file's path. No capture group runs on the long line (backtracking on a multi-MB payload
# takes seconds). Then the file is copied, and `<id>.done` tells the daemon the event is complete.
id="$id-e"
fields=$(LC_ALL=C sed -n -e "w $spool/new/$id.json" -e 'h' \
  -e '/"tool_name":"/{' -e 's/.*"tool_name":"//' -e 's/".*//' -e '/^[A-Za-z_]*$/p' -e '}' -e 'g' \
  -e '/"file_path":"/{' -e 's/.*"file_path":"//' -e 's/".*//' -e '/\\/!p' -e '}' -e 'g' \
  -e '/"notebook_path":"/{' -e 's/.*"notebook_path":"//' -e 's/".*//' -e '/\\/!p' -e '}' 2> /dev/null)
{ read -r tool; read -r file; } << EOS
$fields
EOS
note=
if [ -z "$tool" ]; then note="no-tool-name"
elif [ -z "$file" ]; then note="no-path"
else
  top=$root
  if [ ! -d "$gd" ]; then # CLAUDE_PROJECT_DIR below the work tree's top
    { read -r top; read -r gd; } << EOS
$(git -C "$root" rev-parse --path-format=absolute --show-toplevel --git-common-dir 2> /dev/null)
EOS
  fi
  case $top:$file in
    :*) note="not-in-a-repository:skipped" ;;
    *:"$top"/*)
      if [ -f "$file" ]; then cp "$file" "$spool/blobs/$id" 2> /dev/null || note="snapshot-failed"; fi
      [ -d "$gd/chainloop-trace" ] && : > "$gd/chainloop-trace/ai-pending" && : > "$gd/chainloop-trace/traced" ;;
    *) note="outside-repo:skipped" ;;
  esac
fi
: > "$spool/blobs/$id.done"
log "$note"
