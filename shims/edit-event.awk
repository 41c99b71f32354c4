# ai-trace edit event (Edit, Write, MultiEdit, NotebookEdit): one awk process saves the payload, finds
# the tool and the file in it, snapshots the file and logs the event. Run by hook.sh with the payload
# on stdin; its paths come in the environment (no escape processing, unlike -v):
#   trace_payload  where the payload goes            trace_blob  where the snapshot goes (+ .done)
#   trace_top      the work tree's top ("" if none)   trace_marks the repo's chainloop-trace dir, or ""
#   trace_log      the repo's hook log, or ""         trace_prefix the log line's first fields
#   trace_keys     the payload keys naming the file (space-separated; default file_path notebook_path)
# Records are split at backslashes so that none gets long (mawk's time grows with the square of a
# record's length); a value holding a backslash is never taken as a path, so a split never cuts one.
# A path that cannot be read as a file (a directory) stops awk; hook.sh then finishes the event.
BEGIN {
  RS = "\\"
  payload = ENVIRON["trace_payload"]; blob = ENVIRON["trace_blob"]; top = ENVIRON["trace_top"]
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
  else if (top == "") note = "not-in-a-repository:skipped"
  else if (index(file, top "/") != 1) note = "outside-repo:skipped"
  else {
    snapshot(file, blob)
    if (ENVIRON["trace_marks"] != "") { touch(ENVIRON["trace_marks"] "/ai-pending"); touch(ENVIRON["trace_marks"] "/traced") }
  }
  touch(blob ".done")
  if (ENVIRON["trace_log"] != "") printf "%s %s %s\n", ENVIRON["trace_prefix"], tool, note >> ENVIRON["trace_log"]
}

# The string value of "key":"…" in s, or "" (absent, or holding an escape).
function field(s, key,   i, v) {
  i = index(s, "\"" key "\":\"")
  if (!i) return ""
  v = substr(s, i + length(key) + 4)
  i = index(v, "\"")
  return i ? substr(v, 1, i - 1) : ""
}

# Copies src to dst byte for byte; no dst when src cannot be read (a file the tool creates). A first
# pass by lines measures the file: up to 4 MB it is read again as one record, split only at \001,
# which text files do not hold (put back between records; lost only if the file ends with it; one
# character, so every awk takes it literally); a larger file goes to cp.
function snapshot(src, dst,   sep, line, size, n, r) {
  RS = "\n"
  size = 0
  while ((r = (getline line < src)) > 0) if ((size += length(line) + 1) > 4194304) break
  close(src)
  if (r < 0) return
  if (size > 4194304) { system("exec cp -- " quote(src) " " quote(dst)); return }
  sep = "\001"
  RS = sep
  n = 0
  while ((getline line < src) > 0) printf (n++ ? sep : "") "%s", line > dst
  if (!n) printf "" > dst
  close(src)
  close(dst)
}

function quote(s) { gsub(/'/, "'\\''", s); return "'" s "'" }

function touch(f) { printf "" > f; close(f) }
