#!/bin/sh
# Installs the pinned Claude Code CLI under the build folder for the tests (run by Maven in generate-test-resources).
# Usage: install-claude-cli.sh <prefix> <version>
# Without npm it says so and exits 0: the tests that need the CLI then skip with that message. With npm, a failed
# install fails the build on CI (CI=true) and only warns elsewhere (e.g. a laptop offline).
set -u
prefix=$1
version=$2
bin="$prefix/node_modules/.bin/claude"
if [ "${GROVE_SKIP_CLAUDE_CLI:-}" = "1" ]; then
  echo "[grove] GROVE_SKIP_CLAUDE_CLI=1: not installing Claude Code; its tests will skip"
  exit 0
fi
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$version "; then
  echo "[grove] Claude Code $version already installed in $prefix"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "[grove] npm is not on the PATH: Claude Code $version is not installed and its tests will skip (install Node.js 20+ to run them)"
  exit 0
fi
echo "[grove] installing @anthropic-ai/claude-code@$version into $prefix"
mkdir -p "$prefix"
if npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "@anthropic-ai/claude-code@$version" \
    && "$bin" --version; then
  exit 0
fi
echo "[grove] could not install @anthropic-ai/claude-code@$version with npm"
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
echo "[grove] (not on CI: continuing; the Claude Code tests will skip)"
exit 0
