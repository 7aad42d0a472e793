{{/*
Chart name, truncated to the 63 characters a DNS label allows.
*/}}
{{- define "todo-chatbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name when it already contains the chart name
(release `todo-chatbot` gives `todo-chatbot-backend`, the runbook's names).
*/}}
{{- define "todo-chatbot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "todo-chatbot.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The four services, in a fixed order. Keys are the values blocks and the Dapr app ids.
*/}}
{{- define "todo-chatbot.serviceKeys" -}}
{{- list "backend" "websocket" "reminders" "notification" | toJson }}
{{- end }}

{{/*
Per-service facts that are not values: resource name suffix (the runbook calls the
reminders Deployment `recurring-task`), uvicorn target and the port variable's name.
Usage: include "todo-chatbot.serviceFacts" "reminders" | fromJson
*/}}
{{- define "todo-chatbot.serviceFacts" -}}
{{- $facts := dict
  "backend" (dict "suffix" "backend" "portEnv" "BACKEND_PORT" "package" "todo_backend")
  "websocket" (dict "suffix" "websocket" "portEnv" "WEBSOCKET_PORT" "package" "todo_websocket")
  "reminders" (dict "suffix" "recurring-task" "portEnv" "REMINDERS_PORT" "package" "todo_reminders")
  "notification" (dict "suffix" "notification" "portEnv" "NOTIFICATION_PORT" "package" "todo_notification")
}}
{{- index $facts . | toJson }}
{{- end }}

{{/*
Resource name of one service: <fullname>-<suffix>.
Usage: include "todo-chatbot.serviceFullname" (dict "root" $ "key" "backend")
*/}}
{{- define "todo-chatbot.serviceFullname" -}}
{{- $facts := include "todo-chatbot.serviceFacts" .key | fromJson }}
{{- printf "%s-%s" (include "todo-chatbot.fullname" .root) $facts.suffix | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels. Immutable once a Deployment exists: never add version-like labels here.
*/}}
{{- define "todo-chatbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-chatbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels for every resource.
*/}}
{{- define "todo-chatbot.labels" -}}
helm.sh/chart: {{ include "todo-chatbot.chart" . }}
{{ include "todo-chatbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-chatbot
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels of one service's pods.
Usage: include "todo-chatbot.componentSelectorLabels" (dict "root" $ "key" "backend")
*/}}
{{- define "todo-chatbot.componentSelectorLabels" -}}
{{ include "todo-chatbot.selectorLabels" .root }}
app.kubernetes.io/component: {{ .key }}
{{- end }}

{{/*
Labels of one service's resources.
*/}}
{{- define "todo-chatbot.componentLabels" -}}
{{ include "todo-chatbot.labels" .root }}
app.kubernetes.io/component: {{ .key }}
{{- end }}

{{/*
Common annotations block (metadata.annotations, indented by 2), empty when there are none.
Usage, on its own line inside metadata: {{- include "todo-chatbot.annotations" . }}
*/}}
{{- define "todo-chatbot.annotations" -}}
{{- with .Values.commonAnnotations }}
{{ printf "annotations:\n%s" (toYaml . | indent 2) | indent 2 }}
{{- end }}
{{- end }}

{{/*
Image reference of one service: digest wins over tag; the tag defaults to appVersion.
*/}}
{{- define "todo-chatbot.image" -}}
{{- $svc := index .root.Values .key }}
{{- $repository := printf "%s/%s" (trimSuffix "/" .root.Values.image.registry) $svc.image.repository }}
{{- if $svc.image.digest }}
{{- printf "%s@%s" $repository $svc.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Names of the existing Secrets (the chart never creates Secrets).
*/}}
{{- define "todo-chatbot.secretName" -}}
{{- .Values.secrets.existingSecret }}
{{- end }}

{{/*
Dapr component names. They are contract: the same names appear in dapr/components/
(local runs) and in the services' code.
*/}}
{{- define "todo-chatbot.dapr.configurationName" -}}
{{- include "todo-chatbot.fullname" . }}
{{- end }}

{{/*
Sentry address for the Configuration's mtls block.
*/}}
{{- define "todo-chatbot.dapr.sentryAddress" -}}
{{- printf "dapr-sentry.%s.svc.%s:443" .Values.dapr.controlPlaneNamespace .Values.dapr.clusterDomain }}
{{- end }}

{{/*
Environment shared by every service container (non-secret part lives in each service's
ConfigMap; this is the secret part, referenced by name from existing Secrets).
*/}}
{{- define "todo-chatbot.secretEnv" -}}
{{- $root := .root }}
{{- if $root.Values.secrets.existingSecret }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-chatbot.secretName" $root }}
      key: {{ $root.Values.secrets.keys.jwtSecret }}
{{- end }}
{{- if $root.Values.dapr.appTokenSecret }}
- name: APP_API_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.dapr.appTokenSecret }}
      key: token
{{- end }}
{{- if $root.Values.dapr.apiTokenSecret }}
- name: DAPR_API_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.dapr.apiTokenSecret }}
      key: token
{{- end }}
{{- if and (eq .key "backend") $root.Values.secrets.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-chatbot.secretName" $root }}
      key: {{ $root.Values.secrets.keys.databaseUrl }}
{{- end }}
{{- /* websocket (Redis Streams): it keeps its consumer group at the stream's end. */}}
{{- if and (or (eq .key "backend") (and (eq .key "websocket") (eq $root.Values.pubsub.type "redis"))) $root.Values.secrets.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-chatbot.secretName" $root }}
      key: {{ $root.Values.secrets.keys.redisUrl }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy egress rule to the cluster DNS (a list item).
*/}}
{{- define "todo-chatbot.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 10 }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 10 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}

{{/*
Secret environment of the migration Job: DATABASE_URL and JWT_SECRET, nothing else.
*/}}
{{- define "todo-chatbot.migrationSecretEnv" -}}
{{- if .Values.secrets.existingSecret }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-chatbot.secretName" . }}
      key: {{ .Values.secrets.keys.jwtSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "todo-chatbot.secretName" . }}
      key: {{ .Values.secrets.keys.databaseUrl }}
{{- end }}
{{- end }}

{{/*
A secretKeyRef metadata entry of a Dapr component (resolved by the Dapr operator from
the Kubernetes Secret in the release namespace).
Usage: include "todo-chatbot.dapr.secretRef" (dict "root" $ "name" "redisPassword" "key" "redis-password")
*/}}
{{- define "todo-chatbot.dapr.secretRef" -}}
- name: {{ .name }}
  secretKeyRef:
    name: {{ include "todo-chatbot.secretName" .root }}
    key: {{ .key }}
{{- end }}

{{/*
Redis connection metadata shared by the Redis components.
*/}}
{{- define "todo-chatbot.dapr.redisMetadata" -}}
- name: redisHost
  value: {{ .Values.redis.host | quote }}
- name: enableTLS
  value: {{ .Values.redis.enableTLS | quote }}
{{- with .Values.redis.username }}
- name: redisUsername
  value: {{ . | quote }}
{{- end }}
{{- if and .Values.redis.passwordFromSecret .Values.secrets.existingSecret }}
{{ include "todo-chatbot.dapr.secretRef" (dict "root" . "name" "redisPassword" "key" .Values.secrets.keys.redisPassword) }}
{{- end }}
{{- end }}

{{/*
Kafka connection metadata shared by both pub/sub components.
*/}}
{{- define "todo-chatbot.dapr.kafkaMetadata" -}}
{{- $kafka := .Values.pubsub.kafka }}
- name: brokers
  value: {{ $kafka.brokers | quote }}
- name: authType
  value: {{ $kafka.authType | quote }}
{{- if eq $kafka.authType "password" }}
- name: saslUsername
  value: {{ $kafka.saslUsername | quote }}
{{ include "todo-chatbot.dapr.secretRef" (dict "root" . "name" "saslPassword" "key" .Values.secrets.keys.kafkaSaslPassword) }}
- name: saslMechanism
  value: {{ $kafka.saslMechanism | quote }}
{{- end }}
- name: disableTls
  value: {{ not $kafka.tls.enabled | quote }}
{{- if and $kafka.tls.enabled $kafka.tls.caCert }}
{{ include "todo-chatbot.dapr.secretRef" (dict "root" . "name" "caCert" "key" .Values.secrets.keys.kafkaCaCert) }}
{{- end }}
- name: initialOffset
  value: {{ $kafka.initialOffset | quote }}
- name: version
  value: {{ $kafka.version | quote }}
{{- end }}

{{/*
Non-secret environment of one service (its ConfigMap's data). The pod template carries
its checksum, so a change here rolls that service's pods.
*/}}
{{- define "todo-chatbot.configData" -}}
{{- $root := .root }}
{{- $svc := index $root.Values .key }}
{{- $facts := include "todo-chatbot.serviceFacts" .key | fromJson }}
ENVIRONMENT: {{ $root.Values.environment | quote }}
LOG_LEVEL: {{ $root.Values.logLevel | quote }}
HSTS_ENABLED: {{ $root.Values.http.hsts | quote }}
CORS_ALLOWED_ORIGINS: {{ join "," $root.Values.http.corsAllowedOrigins | quote }}
OTEL_EXPORTER: {{ $root.Values.otel.exporter | quote }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $root.Values.otel.endpoint | quote }}
{{ $facts.portEnv }}: {{ $svc.containerPort | quote }}
{{- if eq .key "backend" }}
{{- with $svc.nluModelPath }}
NLU_MODEL_PATH: {{ . | quote }}
{{- end }}
{{- if $root.Values.migrations.enabled }}
# The hook Job migrates; serving replicas never do (whatever the environment).
BACKEND_MIGRATE_ON_STARTUP: "false"
{{- end }}
{{- end }}
{{- if eq .key "websocket" }}
WEBSOCKET_MAX_CONNECTIONS: {{ $svc.maxConnections | quote }}
# Redis Streams only: the app manages its consumer group (Kafka keeps offsets itself).
WEBSOCKET_REDIS_STREAM_GROUP: {{ eq $root.Values.pubsub.type "redis" | quote }}
{{- if and (eq $root.Values.pubsub.type "redis") (not $root.Values.secrets.existingSecret) }}
# No Secret (development shape), so no Redis password either: a plain URL.
REDIS_URL: {{ printf "%s://%s/0" (ternary "rediss" "redis" $root.Values.redis.enableTLS) $root.Values.redis.host | quote }}
{{- end }}
WEBSOCKET_ALERT_WARNING_CONNECTIONS: {{ $svc.alerts.warningConnections | quote }}
WEBSOCKET_ALERT_CRITICAL_CONNECTIONS: {{ $svc.alerts.criticalConnections | quote }}
{{- end }}
{{- if eq .key "notification" }}
NOTIFICATION_CHANNELS: {{ join "," $svc.channels | quote }}
{{- end }}
{{- end }}

{{/*
Container env of one service: secrets, the websocket replica id, then extraEnv.
*/}}
{{- define "todo-chatbot.containerEnv" -}}
{{- $svc := index .root.Values .key }}
{{ include "todo-chatbot.secretEnv" . | trim }}
{{- if eq .key "websocket" }}
# Each replica names itself in logs, metrics and its per-pod pub/sub consumer.
- name: WEBSOCKET_REPLICA_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Redis Streams delivery settings shared by both pub/sub components (pubsub.type=redis).
*/}}
{{- define "todo-chatbot.dapr.redisStreamsMetadata" -}}
- name: maxLenApprox
  value: {{ .Values.pubsub.maxLenApprox | quote }}
- name: processingTimeout
  value: {{ .Values.pubsub.redis.processingTimeout | quote }}
- name: redeliverInterval
  value: {{ .Values.pubsub.redis.redeliverInterval | quote }}
{{- end }}
