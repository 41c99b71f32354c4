#!/bin/sh
# ai-trace agent hook: records one event in the spool and returns at once.
# Usage: hook.sh <agent> <Event>, payload JSON on stdin. Always exits 0 (TRACE=0 off, TRACE=2 trace).
[ "${TRACE-}" = 0 ] && exit 0
[ "${TRACE-}" = 2 ] && set -x
umask 077

agent=${1:-claude}
event=${2:-unknown}

if [ -n "${TRACE_HOME-}" ]; then home=$TRACE_HOME
elif [ -d /System/Library ]; then home="$HOME/Library/Application Support/ai-trace"
else home="${XDG_STATE_HOME:-$HOME/.local/state}/ai-trace"
fi
spool="$home/spool"
[ -d "$spool/new" ] || mkdir -p "$spool/tmp" "$spool/new" "$spool/blobs" 2>/dev/null || exit 0

ts=$(date +%s%N 2>/dev/null)
case $ts in *N|'') ts="$(date +%s)000000000" ;; esac
id="$ts-$$-$agent-$event"
tmp="$spool/tmp/$id"

# the payload first: nothing below may run before stdin is drained. A tool event's payload is saved
# (byte for byte: `w`, LC_ALL=C) by the one sed that also prints its tool name and the edited file's
# path (file_path or notebook_path): one process instead of three on the agent's hot path. No
# capture group runs on the long line (that backtracking takes seconds on a multi-MB payload).
fields=
case $event in
  PreToolUse|PostToolUse|PostToolUseFailure)
    fields=$(LC_ALL=C sed -n -e "w $tmp" -e 'h' \
      -e '/"tool_name":"/{' -e 's/.*"tool_name":"//' -e 's/".*//' -e '/^[A-Za-z_]*$/p' -e '}' -e 'g' \
      -e '/"file_path":"/{' -e 's/.*"file_path":"//' -e 's/".*//' -e '/\\/!p' -e '}' -e 'g' \
      -e '/"notebook_path":"/{' -e 's/.*"notebook_path":"//' -e 's/".*//' -e '/\\/!p' -e '}' 2>/dev/null) \
      || { rm -f "$tmp"; exit 0; } ;;
  *) cat > "$tmp" 2>/dev/null || { rm -f "$tmp"; exit 0; } ;;
esac

root=${CLAUDE_PROJECT_DIR:-$PWD}
if [ -d "$root/.git" ]; then gd="$root/.git"
else gd=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || gd=
fi
top=${gd%/.git}
note=

case $event in
  PreToolUse|PostToolUse|PostToolUseFailure)
    # printed by the sed that saved the payload: the tool name, then the edited file's path
    { read -r tool; read -r file; } <<EOS
$fields
EOS
    case $tool in
      Edit|Write|MultiEdit|NotebookEdit)
        if [ -z "$file" ]; then note="no-path"
        elif [ -n "$gd" ] && [ "$top" != "$gd" ]; then
          case $file in
            "$top"/*)
              if [ -f "$file" ]; then cp "$file" "$spool/blobs/$id" 2>/dev/null || note="snapshot-failed"; fi
              [ -d "$gd/chainloop-trace" ] && : > "$gd/chainloop-trace/ai-pending" && : > "$gd/chainloop-trace/traced" ;;
            *) note="outside-repo:skipped" ;;
          esac
        fi ;;
    esac ;;
esac

mv "$tmp" "$spool/new/$id.json" 2>/dev/null || rm -f "$tmp"
# a session starts: make sure the daemon runs (in the background), so it can watch the work tree
if [ "$event" = SessionStart ] && [ "${TRACE_AUTOSTART-}" != 0 ] && [ ! -S "$home/run/daemon.sock" ]; then
  (node "${0%/*}/../bin/trace.js" daemon start >/dev/null 2>&1 &)
fi
if [ -n "$gd" ] && [ -d "$gd/chainloop-trace" ]; then
  printf '%s %s %s %s %s\n' "$ts" "$agent" "$event" "${tool-}" "$note" >> "$gd/chainloop-trace/log.txt" 2>/dev/null
fi
exit 0
