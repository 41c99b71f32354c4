# ai-trace: a shell tool call whose git commands must run ai-trace's git hooks (Gemini CLI's
# BeforeTool for run_shell_command). Gemini runs shell commands with core.hooksPath emptied through
# GIT_CONFIG_COUNT/KEY/VALUE, so no git hook runs for a commit the agent makes; its BeforeTool hook may
# return `hookSpecificOutput.tool_input`, which replaces the tool's arguments. When the command mentions
# git, this prints that output with the command prefixed by a GIT_CONFIG_PARAMETERS entry (read after
# GIT_CONFIG_COUNT's, so it wins) pointing core.hooksPath at trace_hooks, a folder holding only
# ai-trace's own hooks: the user's hooks stay off, as Gemini wants. One awk process saves the payload
# (as hook.sh's `other` branch would) and answers. Environment:
#   trace_payload  where the payload goes     trace_hooks  ai-trace's hooks folder ("" = leave the call alone)
#   trace_log      the repo's hook log, or "" trace_prefix the log line's first fields
# Records are split at backslashes (see edit-event.awk); the command's JSON string is copied as it is,
# escapes included, so nothing is decoded or re-encoded.
BEGIN {
  RS = "\\"
  payload = ENVIRON["trace_payload"]; hooks = ENVIRON["trace_hooks"]
  printf "" > payload
  size = 0; all = ""
}
{
  printf (NR > 1 ? "\\" : "") "%s", $0 > payload
  size += length($0) + 1
  if (size <= 262144) all = all (NR > 1 ? "\\" : "") $0
}
END {
  close(payload)
  note = ""
  if (hooks == "") note = "no-hooks-dir"
  else if (size > 262144) note = "payload-too-large:not-rewritten"
  else if (hooks ~ /["'\\$`]/) note = "hooks-path-needs-quoting:not-rewritten"
  else if ((cmd = command(all)) == "") note = "no-command"
  else if (cmd !~ /git/) note = ""
  else if (index(cmd, "core.hookspath") || index(cmd, "GIT_CONFIG_PARAMETERS")) note = "already-set:not-rewritten"
  else {
    prefix = "GIT_CONFIG_PARAMETERS=\\\"${GIT_CONFIG_PARAMETERS:+$GIT_CONFIG_PARAMETERS }'core.hookspath'='" hooks "'\\\"; export GIT_CONFIG_PARAMETERS; "
    printf "{\"hookSpecificOutput\":{\"hookEventName\":\"BeforeTool\",\"tool_input\":{\"command\":\"%s%s\"}}}\n", prefix, cmd
    note = "git-hooks-restored"
  }
  if (ENVIRON["trace_log"] != "") printf "%s run_shell_command %s\n", ENVIRON["trace_prefix"], note >> ENVIRON["trace_log"]
}

# The raw JSON string value (escapes kept) of tool_input's "command" in payload s, or "".
function command(s,   i, j, c) {
  i = index(s, "\"tool_input\":{")
  if (!i) return ""
  s = substr(s, i)
  i = index(s, "\"command\":\"")
  if (!i) return ""
  s = substr(s, i + 11)
  for (j = 1; j <= length(s); j++) {
    c = substr(s, j, 1)
    if (c == "\\") j++
    else if (c == "\"") return substr(s, 1, j - 1)
  }
  return ""
}
