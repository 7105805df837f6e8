#!/usr/bin/env bash
# Checks a release tag before anything is published (.github/workflows/release.yml), in a clone with
# full history and origin/main fetched:
#   - the tag is vMAJOR.MINOR.PATCH and points at a commit on origin/main;
#   - package.json's "version" is the tag without its "v";
# and writes to $GITHUB_OUTPUT (or prints) `major=vN` and `latest=true|false`: whether the tag is the
# highest vN.x.y on main, so a lower version tagged later never moves vN backwards.
set -euo pipefail
tag="${1:?usage: release-check.sh vMAJOR.MINOR.PATCH}"
fail() {
  echo "::error title=Release refused::$1"
  exit 1
}
[[ $tag =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]] || fail "$tag is not a version tag like v1.2.3."
major="v${BASH_REMATCH[1]}"
commit=$(git rev-parse "$tag^{commit}")
git merge-base --is-ancestor "$commit" origin/main ||
  fail "$tag ($commit) is not on main: tag a commit of main (git switch main && git pull --ff-only, then git tag)."
version=$(node -p "require('./package.json').version")
[ "$version" = "${tag#v}" ] ||
  fail "package.json says \"version\": \"$version\", the tag is $tag: set it to \"${tag#v}\" on main, then tag that commit."
# The highest vN.x.y among the tags on main (a tag elsewhere is never released).
highest=$(for t in $(git tag --list "$major.*" | grep -E "^$major\.[0-9]+\.[0-9]+$"); do
  if git merge-base --is-ancestor "$t^{commit}" origin/main; then echo "$t"; fi
done | sort -V | tail -n 1)
latest=false
[ "$highest" = "$tag" ] && latest=true
result=$(printf 'major=%s\nlatest=%s' "$major" "$latest")
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$result" >> "$GITHUB_OUTPUT"; else echo "$result"; fi
