#!/usr/bin/env bash
# Creates the application's topics (topics.tsv: partitions, retention) on a Kafka cluster,
# with Kafka's own kafka-topics tool from the jars `make setup` fetched. Idempotent: a
# topic that exists is left as it is (change its retention with kafka-configs).
#
#   tools/kafka/create-topics.sh --bootstrap-server HOST:PORT \
#       [--command-config client.properties] [--replication-factor 3]
#
# client.properties for DigitalOcean Managed Kafka (SASL over TLS, the cluster's CA):
#   security.protocol=SASL_SSL
#   sasl.mechanism=SCRAM-SHA-512
#   sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="doadmin" password="...";
#   ssl.truststore.type=PEM
#   ssl.truststore.location=/path/to/ca-certificate.crt
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bootstrap="" command_config="" replication=3
while [ $# -gt 0 ]; do
    case "$1" in
        --bootstrap-server) bootstrap="$2"; shift 2 ;;
        --command-config) command_config="$2"; shift 2 ;;
        --replication-factor) replication="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
[ -n "$bootstrap" ] || { echo "--bootstrap-server HOST:PORT is required" >&2; exit 2; }
libs="$(bash "$here/fetch.sh" | tail -n 1)/libs"
# One replica may be down (a rolling upgrade) and writes with acks=all still succeed.
min_isr=$(( replication > 2 ? 2 : 1 ))
extra=()
[ -z "$command_config" ] || extra+=(--command-config "$command_config")
while IFS=$'\t' read -r name partitions retention; do
    case "$name" in ''|'#'*) continue ;; esac
    java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$here/log4j2.properties" \
        -cp "$libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
        "${extra[@]}" --create --if-not-exists --topic "$name" --partitions "$partitions" \
        --replication-factor "$replication" \
        --config "retention.ms=$retention" --config "min.insync.replicas=$min_isr"
done < "$here/topics.tsv"
