#!/usr/bin/env bash
# Regenerates every icon from icons/portee.svg (needs rsvg-convert from
# librsvg2-bin, and ImageMagick). Tauri wants RGBA PNGs.
set -euo pipefail
cd "$(dirname "$0")"
render() { rsvg-convert -w "$1" -h "$1" portee.svg -o "tmp-$1.png" && convert "tmp-$1.png" "PNG32:$2" && rm "tmp-$1.png"; }
render 32 32x32.png
render 128 128x128.png
render 256 128x128@2x.png
render 512 icon.png
convert 32x32.png 128x128.png icon.ico
cp 32x32.png ../ui/assets/favicon.png
