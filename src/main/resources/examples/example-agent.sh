#!/bin/sh
# EXAMPLE AGENT, not a coding agent. `grove demo` and Grove's tests run it in place of Claude Code so the whole flow
# can be shown offline. It follows the agent contract: the prompt arrives on stdin (and in $GROVE_PROMPT_FILE), the
# task's facts in GROVE_* variables, the current directory is the task's worktree. It edits files; Grove commits.
#
# It appends a line to CHANGES.md in the folder of the task's first path glob (src/cart/** -> src/cart/CHANGES.md),
# or to the file itself when the first path is a plain file. EXAMPLE_AGENT_SECONDS sets how long it "thinks".
set -eu
prompt=$(cat)
echo "example agent: task '${GROVE_TASK_TITLE}' of issue #${GROVE_ISSUE_NUMBER}; paths: ${GROVE_TASK_PATHS:-any}"
echo "example agent: prompt has $(printf '%s\n' "$prompt" | wc -l) lines"
sleep "${EXAMPLE_AGENT_SECONDS:-2}"
first=${GROVE_TASK_PATHS%%,*}
first=$(printf '%s' "$first" | sed 's/^ *//; s/ *$//')
case "$first" in
  '') target=CHANGES.md ;;
  *'*'*|*'?'*) dir=${first%%[*?]*}; dir=${dir%/}; target=${dir:+$dir/}CHANGES.md ;;
  */) target=${first}CHANGES.md ;;
  *) target=$first ;;
esac
mkdir -p "$(dirname "$target")"
printf -- '- %s (issue #%s)\n' "$GROVE_TASK_TITLE" "$GROVE_ISSUE_NUMBER" >> "$target"
echo "example agent: edited $target"
