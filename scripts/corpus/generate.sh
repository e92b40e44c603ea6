#!/usr/bin/env bash
# Regenerates the image corpus (tests/Valar.Testing/Images/Corpus) and its manifest from Debian's encoders.
# Needs: apt-get install -y imagemagick webp gifsicle libjpeg-turbo-progs python3-pil libvips-tools
# Tests never run this: they read the committed files and manifest.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in convert cwebp img2webp gif2webp gifsicle cjpeg jpegtran vips; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool is missing (see the apt-get line above)" >&2; exit 1; }
done
# Debian's Pillow: the python3 on PATH may be another one without PIL.
# One libvips thread: with several, a CRC error in a later tile is sometimes missed.
export VIPS_CONCURRENCY=1
exec /usr/bin/python3 scripts/corpus/generate.py tests/Valar.Testing/Images/Corpus "$@"
