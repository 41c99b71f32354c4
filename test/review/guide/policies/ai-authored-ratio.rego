package main

import rego.v1

violations contains msg if {
  changes := input.data.code_changes
  changes.lines_added > 0
  ratio := changes.ai_lines_added / changes.lines_added
  ratio > 0.8
  msg := sprintf("%d%% of the added lines are AI-authored, above the 80%% limit.", [round(ratio * 100)])
}
