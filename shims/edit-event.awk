# ai-trace edit event (an agent's edit tool): saves the payload and finds the tool and the file in
# it. Run by hook.sh with the payload on stdin; its paths come in the environment (no escape
# processing, unlike -v):
#   trace_payload  where the payload goes            trace_top  the work tree's top ("" if none)
#   trace_keys     the payload keys naming the file (space-separated; default file_path notebook_path)
# Prints one line, `<tool> TAB <note> TAB <file>`: the file with `.`, `..` and `//` resolved, and a
# note when there is nothing to snapshot (then hook.sh copies nothing). hook.sh checks the file's type
# and symlinks with shell builtins and copies it: awk never opens it, so a named pipe or a device
# cannot block or feed it.
# Records are split at backslashes so that none gets long (mawk's time grows with the square of a
# record's length); a value holding a backslash is never taken as a path, so a split never cuts one.
BEGIN {
  RS = "\\"
  payload = ENVIRON["trace_payload"]; top = ENVIRON["trace_top"]
  nkeys = split(ENVIRON["trace_keys"] != "" ? ENVIRON["trace_keys"] : "file_path notebook_path", keys, " ")
  printf "" > payload
}
{
  printf (NR > 1 ? "\\" : "") "%s", $0 > payload
  if (tool == "") tool = field($0, "tool_name")
  if (tool == "") tool = field($0, "toolName")
  for (k = 1; k <= nkeys && file == ""; k++) file = field($0, keys[k])
}
END {
  close(payload)
  note = ""
  if (tool !~ /^[A-Za-z_]+$/) tool = "-"
  if (file == "") note = "no-path"
  else if (substr(file, 1, 1) != "/") note = "relative-path:skipped"
  else if (top == "") note = "not-in-a-repository:skipped"
  else {
    file = normal(file)
    if (index(file, top "/") != 1) note = "outside-repo:skipped"
    else if (file == top "/.git" || index(file, top "/.git/") == 1) note = "inside-git-dir:skipped"
  }
  printf "%s\t%s\t%s\n", tool, note, file
}

# The string value of "key":"…" in s, or "" (absent, or holding an escape).
function field(s, key,   i, v) {
  i = index(s, "\"" key "\":\"")
  if (!i) return ""
  v = substr(s, i + length(key) + 4)
  i = index(v, "\"")
  return i ? substr(v, 1, i - 1) : ""
}

# An absolute path with empty and `.` components dropped and `..` taken back (never above /).
function normal(p,   n, parts, out, i, k, s) {
  n = split(p, parts, "/")
  k = 0
  for (i = 1; i <= n; i++) {
    if (parts[i] == "" || parts[i] == ".") continue
    if (parts[i] == "..") { if (k > 0) k--; continue }
    out[++k] = parts[i]
  }
  s = ""
  for (i = 1; i <= k; i++) s = s "/" out[i]
  return s == "" ? "/" : s
}
