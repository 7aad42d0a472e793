{{/*
Cross-field checks that values.schema.json cannot express. Each failing check adds one
message; the render fails with all of them, so one `helm template` shows every problem.
*/}}
{{- define "todo-chatbot.validateValues" -}}
{{- $errors := list }}
{{- $production := eq .Values.environment "production" }}
{{- if and $production (not .Values.secrets.existingSecret) }}
{{- $errors = append $errors "secrets.existingSecret: production needs an existing Secret with JWT_SECRET, DATABASE_URL and the other keys (the chart never creates Secrets); create it first, see helm/todo-chatbot/README.md#secrets" }}
{{- end }}
{{- if and $production (not .Values.dapr.appTokenSecret) }}
{{- $errors = append $errors "dapr.appTokenSecret: production needs an existing Secret with key `token` for the Dapr app API token (APP_API_TOKEN)" }}
{{- end }}
{{- if and $production (not .Values.dapr.apiTokenSecret) }}
{{- $errors = append $errors "dapr.apiTokenSecret: production needs an existing Secret with key `token` for the Dapr API token (DAPR_API_TOKEN)" }}
{{- end }}
{{- if and $production (eq (toString .Values.image.tag) "latest") }}
{{- $errors = append $errors "image.tag: `latest` is not allowed in production; use an immutable tag or a digest" }}
{{- end }}
{{- if and $production .Values.ingress.enabled (not .Values.ingress.tls.enabled) }}
{{- $errors = append $errors "ingress.tls.enabled: production Ingresses must terminate TLS" }}
{{- end }}
{{- if and $production .Values.bindings.smtp.skipTLSVerify }}
{{- $errors = append $errors "bindings.smtp.skipTLSVerify: not allowed in production" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) }}
{{- $errors = append $errors "ingress.host: required when ingress.enabled=true" }}
{{- end }}
{{- if eq .Values.pubsub.type "kafka" }}
{{- if not .Values.pubsub.kafka.brokers }}
{{- $errors = append $errors "pubsub.kafka.brokers: required when pubsub.type=kafka" }}
{{- end }}
{{- if and (eq .Values.pubsub.kafka.authType "password") (not .Values.secrets.existingSecret) }}
{{- $errors = append $errors "secrets.existingSecret: Kafka SASL (pubsub.kafka.authType=password) reads its password from the existing Secret" }}
{{- end }}
{{- if and (eq .Values.pubsub.kafka.authType "password") (not .Values.pubsub.kafka.saslUsername) }}
{{- $errors = append $errors "pubsub.kafka.saslUsername: required when pubsub.kafka.authType=password" }}
{{- end }}
{{- end }}
{{- if .Values.image.requireDigest }}
{{- range $key := include "todo-chatbot.serviceKeys" . | fromJsonArray }}
{{- if not (index $.Values $key).image.digest }}
{{- $errors = append $errors (printf "%s.image.digest: image.requireDigest=true deploys by digest only; pass the pushed image's sha256 digest" $key) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.dapr.secretStore.scopes .Values.networkPolicy.enabled (not .Values.networkPolicy.kubeApiServer.cidrs) }}
{{- $errors = append $errors "networkPolicy.kubeApiServer.cidrs: dapr.secretStore.scopes needs the Kubernetes API endpoint's CIDRs (kubectl get endpoints kubernetes -n default), never 0.0.0.0/0" }}
{{- end }}
{{- if and .Values.dapr.secretStore.scopes (not .Values.secrets.existingSecret) }}
{{- $errors = append $errors "dapr.secretStore.scopes: the secret store reads the existing Secret (secrets.existingSecret)" }}
{{- end }}
{{- if not .Values.redis.host }}
{{- $errors = append $errors "redis.host: required (Dapr state store)" }}
{{- end }}
{{- range $key := include "todo-chatbot.serviceKeys" . | fromJsonArray }}
{{- $svc := index $.Values $key }}
{{- $minAvailable := toString $svc.pdb.minAvailable }}
{{- $maxUnavailable := toString $svc.pdb.maxUnavailable }}
{{- if and $svc.pdb.create $minAvailable $maxUnavailable }}
{{- $errors = append $errors (printf "%s.pdb: set minAvailable or maxUnavailable, not both" $key) }}
{{- else if and $svc.pdb.create (not $minAvailable) (not $maxUnavailable) }}
{{- $errors = append $errors (printf "%s.pdb: set one of minAvailable or maxUnavailable" $key) }}
{{- end }}
{{- with $svc.autoscaling }}
{{- if and .enabled (gt (int .minReplicas) (int .maxReplicas)) }}
{{- $errors = append $errors (printf "%s.autoscaling: minReplicas (%d) is greater than maxReplicas (%d)" $key (int .minReplicas) (int .maxReplicas)) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.websocket.autoscaling.activeConnections.enabled (not .Values.websocket.autoscaling.enabled) }}
{{- $errors = append $errors "websocket.autoscaling.activeConnections.enabled: needs websocket.autoscaling.enabled=true" }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\nVALUES VALIDATION:\n  - %s\n" (join "\n  - " $errors)) }}
{{- end }}
{{- end }}
