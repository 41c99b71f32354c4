# ai-trace's per-user state folder, sourced by hook.sh and git-hook.sh: sets trace_home as
# src/paths.ts computes it (TRACE_HOME, else the XDG state dir; macOS: Application Support).
# shellcheck disable=SC2034 # read by the shims that source this file
if [ -n "${TRACE_HOME-}" ]; then trace_home=$TRACE_HOME
elif [ -d /System/Library ]; then trace_home="$HOME/Library/Application Support/ai-trace"
else trace_home="${XDG_STATE_HOME:-$HOME/.local/state}/ai-trace"
fi
