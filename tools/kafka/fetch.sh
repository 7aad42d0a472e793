#!/usr/bin/env bash
# Fetches the pinned Kafka broker and tools (org.apache.kafka:kafka_2.13 + kafka-tools and
# their dependencies, from Maven Central) into .tools/kafka-<version>/libs, for the local
# KRaft broker devstack starts (PUBSUB=kafka). Idempotent: skips when the jars are there.
# Prints the folder on its last line.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)
[ -n "$VERSION" ] || { echo "cannot read kafka.version from tools/kafka/pom.xml" >&2; exit 1; }
OUT="$(cd ../.. && pwd)/.tools/kafka-$VERSION"
# The stamp names the pom it was fetched for: a changed pom (another dependency or
# version) fetches again.
STAMP="$OUT/.fetched-$(sha256sum pom.xml | cut -c1-16)"
if [ -f "$STAMP" ] && [ -f "$OUT/libs/kafka_2.13-$VERSION.jar" ]; then
    echo "kafka $VERSION already fetched" >&2
    echo "$OUT"
    exit 0
fi
command -v mvn >/dev/null || { echo "mvn not found (needed to fetch Kafka from Maven Central)" >&2; exit 1; }
command -v java >/dev/null || { echo "java not found (Kafka $VERSION needs Java 17+)" >&2; exit 1; }
echo "fetching kafka $VERSION from Maven Central" >&2
rm -rf "$OUT"
mkdir -p "$OUT"
log="$OUT/mvn.log"
if ! mvn -B -q -Dstyle.color=never -f pom.xml dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$OUT/libs" >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
touch "$STAMP"
echo "$OUT"
