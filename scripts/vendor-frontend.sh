#!/usr/bin/env bash
# Re-fetch the front-end packages vendored under web/static/vendor/ from the npm registry
# with `npm pack` (no node_modules, no build step), copy the files the pages load, and
# rewrite web/static/vendor/README.md. The files are committed: the app runs offline and
# CI never runs this script. To upgrade, change a version below, run it, test, commit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|version|licence|folder|files to copy (paths inside the package, space-separated)
packages=(
  "leaflet|1.9.4|BSD-2-Clause|leaflet|dist/leaflet.js dist/leaflet.js.map dist/leaflet.css dist/images LICENSE"
  "leaflet.heat|0.2.0|BSD-2-Clause|leaflet.heat|dist/leaflet-heat.js LICENSE"
  "@geoman-io/leaflet-geoman-free|2.20.2|MIT|leaflet-geoman|dist/leaflet-geoman.min.js dist/leaflet-geoman.min.js.map dist/leaflet-geoman.css dist/leaflet-geoman.css.map LICENSE"
)

readme=(
  "# Vendored front-end packages"
  ""
  "Fetched from the npm registry by \`scripts/vendor-frontend.sh\` (\`npm pack\`), committed so"
  "that the pages work offline (no CDN). Do not edit these files: change the version in the"
  "script, re-run it, test, commit."
  ""
  "| package | version | licence | folder | files |"
  "|---|---|---|---|---|"
)

for entry in "${packages[@]}"; do
  IFS='|' read -r name version licence folder files <<<"$entry"
  echo "fetching $name@$version"
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  tarball=$(ls "$work"/*.tgz)
  mkdir -p "$work/x" && tar -xzf "$tarball" -C "$work/x"
  rm -rf "${vendor:?}/$folder" && mkdir -p "$vendor/$folder"
  shown=()
  for file in $files; do
    src="$work/x/package/$file"
    if [[ ! -e "$src" ]]; then
      # Some packages ship their licence as LICENSE.md or LICENSE.txt, some none.
      alt=$(ls "$work/x/package/" | grep -i '^licen[cs]e' | head -1 || true)
      [[ "$file" == LICENSE && -n "$alt" ]] && src="$work/x/package/$alt" || {
        echo "  missing $file in $name@$version" >&2
        continue
      }
    fi
    cp -r "$src" "$vendor/$folder/"
    shown+=("$(basename "$src")")
  done
  readme+=("| [$name](https://www.npmjs.com/package/$name) | $version | $licence | \`$folder/\` | ${shown[*]} |")
  rm -rf "$work/x" "$tarball"
done

readme+=(
  ""
  "leaflet.heat's package.json names no licence; its repository (Leaflet/Leaflet.heat)"
  "is BSD-2-Clause, and it bundles simpleheat (BSD-2-Clause), both by Vladimir Agafonkin."
  "Leaflet-Geoman Free is the MIT-licensed edition (the zone editor uses it)."
)
printf '%s\n' "${readme[@]}" >"$vendor/README.md"
echo "wrote $vendor/README.md"
