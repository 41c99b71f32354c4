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

# shellcheck source=shims/home.sh
. "$shims/home.sh"
home=$trace_home
root=${CLAUDE_PROJECT_DIR:-$PWD}
gd="$root/.git"
if [ -f "$gd" ]; then read -r gd < "$gd"; gd=${gd#gitdir: }; gd=${gd%/worktrees/*}; fi
log() {
  if [ -d "$gd/chainloop-trace" ]; then
    printf '%s %s %s %s %s\n' "$seq-$$" "$agent" "$event" "${tool-}" "${1-}" 2>/dev/null >> "$gd/chainloop-trace/log.txt"
    # an event the spool could not take (TRACE_HOME full): the daemon names the commits it may mislabel
    case ${1-} in spool-write-failed | payload-not-saved | snapshot-failed)
      # (no `date`: 0, read as "since some time", so the daemon looks further back rather than not at all)
      printf '%s %s %s\n' "$(date +%s 2>/dev/null || echo 0)" "$agent" "$event" 2>/dev/null >> "$gd/chainloop-trace/lost" ;;
    esac
  fi
  exit 0
}

# Own state only: TRACE_HOME and the spool folders must be this user's and not symlinks (one another
# user made first could redirect the writes below into files of ours, or collect our prompts). The
# daemon and the CLI also refuse folders open to others, which builtins cannot see.
spool="$home/spool"
seq=0
for d in "$home" "$spool" "$spool/new" "$spool/blobs"; do
  if [ -h "$d" ] || { [ -e "$d" ] && [ ! -O "$d" ]; }; then log "TRACE_HOME-not-owned:refused($d)"; fi
done
[ -d "$spool/new" ] || mkdir -p "$spool/new" "$spool/blobs" 2>/dev/null || exit 0
set -C # spool writes never replace an existing file, nor follow a symlink to one

{ read -r seq < "$spool/seq"; } 2>/dev/null
case $seq in '' | *[!0-9]*) seq=0 ;; esac
seq=$((seq + 1))
echo "$seq" 2>/dev/null >| "$spool/seq"
id="$seq-$$-$agent-$event"

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
    cat 2>/dev/null > "$spool/new/$id.json" || { rm -f "$spool/new/$id.json"; log spool-write-failed; }
    # (after the event is written: the daemon clears the marker only once the spool is empty) an adapter's
    # `mark` tools, and any other tool (a shell command above all: it may change files), make the commit
    # hooks ask the daemon, whose answer covers every event spooled before the question
    case $flavor:$event in mark:* | other:* | *:PreSkillShellCommand)
      if [ -d "$gd/chainloop-trace" ]; then
        true 2>/dev/null >| "$gd/chainloop-trace/ai-pending"
        true 2>/dev/null >| "$gd/chainloop-trace/traced"
      fi ;;
    esac
    # a session starts: make sure the daemon runs (in the background), so it can watch the work tree
    case $flavor:$event in start:* | *:SessionStart)
      if [ "${TRACE_AUTOSTART-}" != 0 ] && [ ! -S "$home/run/daemon.sock" ]; then
        (node "$shims/../bin/trace.js" daemon start > /dev/null 2>&1 &)
      fi ;;
    esac
    log ;;
esac

# An edit: awk saves the payload and names the file (see edit-event.awk); the file is checked with
# builtins and copied, capped, as the snapshot; `<id>.done` says the event is complete (the daemon waits
# for it), then the log line. Only a regular file below the work tree's top, reached through no
# symlink, is copied: a named pipe, a device or a link out of the tree is skipped and logged.
id="$id-e"
top=$root
if [ ! -d "$gd" ]; then # CLAUDE_PROJECT_DIR below the work tree's top
  { read -r top; read -r gd; } << EOS
$(git -C "$root" rev-parse --path-format=absolute --show-toplevel --git-common-dir 2> /dev/null)
EOS
fi
top=${top%/}
marks=
[ -d "$gd/chainloop-trace" ] && marks="$gd/chainloop-trace"
max=${TRACE_MAX_SNAPSHOT_BYTES:-8388608} # the snapshot cap, told to the daemon in <id>.done
case $max in '' | *[!0-9]*) max=8388608 ;; esac
found=$(trace_payload="$spool/new/$id.json" trace_top=$top trace_keys=$keys awk -f "$shims/edit-event.awk" 2> /dev/null)
tab='	'
tool=${found%%"$tab"*}
found=${found#*"$tab"}
note=${found%%"$tab"*}
file=${found#*"$tab"}
if [ -z "$found" ]; then
  # awk stopped early (no awk at all): the event is complete all the same
  [ -s "$spool/new/$id.json" ] || cat 2>/dev/null >| "$spool/new/$id.json"
  tool='' note=snapshot-failed
elif [ -z "$note" ]; then
  # each component below the top: no symlink (its target could be anywhere)
  p=$top r=${file#"$top"/}
  while :; do
    p="$p/${r%%/*}"
    if [ -h "$p" ]; then note=symlink:skipped; break; fi
    case $r in */*) r=${r#*/} ;; *) break ;; esac
  done
  if [ -n "$note" ]; then :
  elif [ -f "$file" ]; then
    # at most the cap and one byte: the daemon skips line attribution of a file past the cap
    head -c "$((max + 1))" -- "$file" 2>/dev/null > "$spool/blobs/$id" || { rm -f "$spool/blobs/$id"; note=snapshot-failed; }
  elif [ -e "$file" ]; then note=not-a-regular-file:skipped
  fi # absent: a file the tool creates, nothing to copy
  if [ -n "$marks" ] && [ "$note" != symlink:skipped ] && [ "$note" != not-a-regular-file:skipped ]; then
    true 2>/dev/null >| "$marks/ai-pending"
    true 2>/dev/null >| "$marks/traced"
  fi
fi
# (`true`, not `:`: a failed redirection of a special builtin would end the hook with status 2, which
# Claude Code takes for "block this tool call")
# (stderr first: a failed redirection reports before a later one applies)
# (no .done: the payload is kept and read without a snapshot once the hook has exited)
echo "cap $max" 2>/dev/null >| "$spool/blobs/$id.done" || note=${note:-snapshot-failed}
log "$note"
