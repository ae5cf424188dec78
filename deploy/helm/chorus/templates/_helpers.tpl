{{/* Names, labels and the pieces every Chorus pod shares. */}}

{{- define "chorus.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "chorus.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "chorus.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "chorus.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: call with (dict "root" $ "component" "gateway"). */}}
{{- define "chorus.selector" -}}
app.kubernetes.io/name: {{ include "chorus.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "chorus.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "chorus.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "chorus.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "chorus.adminSecretName" -}}
{{- default (printf "%s-admin" (include "chorus.fullname" .)) .Values.adminKey.existingSecret -}}
{{- end -}}

{{- define "chorus.tenantsSecretName" -}}
{{- default (printf "%s-tenants" (include "chorus.fullname" .)) .Values.tenants.existingSecret -}}
{{- end -}}

{{- define "chorus.hasTenants" -}}
{{- if or .Values.tenants.yaml .Values.tenants.existingSecret -}}true{{- end -}}
{{- end -}}

{{- define "chorus.hasAdminKey" -}}
{{- if or .Values.adminKey.value .Values.adminKey.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Headless Service of a worker pool (its SRV records are the gateways' discovery). */}}
{{- define "chorus.workerService" -}}
{{- printf "%s-%s" (include "chorus.fullname" .root) .pool -}}
{{- end -}}

{{- define "chorus.jobStoreService" -}}
{{- printf "%s-jobstore" (include "chorus.fullname" .) -}}
{{- end -}}

{{/* The gateways' cluster.workers: the SRV name of each pool's headless Service. */}}
{{- define "chorus.workerEndpoints" -}}
{{- $root := . -}}
{{- $list := list (printf "dns+srv://_grpc._tcp.%s.%s.svc.cluster.local" (include "chorus.workerService" (dict "root" $root "pool" "worker")) $root.Release.Namespace) -}}
{{- if .Values.gpuWorker.enabled -}}
{{- $list = append $list (printf "dns+srv://_grpc._tcp.%s.%s.svc.cluster.local" (include "chorus.workerService" (dict "root" $root "pool" "worker-gpu")) $root.Release.Namespace) -}}
{{- end -}}
{{- join "," $list -}}
{{- end -}}

{{/* jobs.raft.peers: id=host:port for each member of the StatefulSet. */}}
{{- define "chorus.raftPeers" -}}
{{- $root := . -}}
{{- $svc := include "chorus.jobStoreService" . -}}
{{- $full := include "chorus.fullname" . -}}
{{- $peers := list -}}
{{- range $i := until (int .Values.jobStore.replicas) -}}
{{- $peers = append $peers (printf "%s-jobstore-%d=%s-jobstore-%d.%s.%s.svc.cluster.local:%d" $full $i $full $i $svc $root.Release.Namespace (int $root.Values.jobStore.raftPort)) -}}
{{- end -}}
{{- join "," $peers -}}
{{- end -}}

{{- define "chorus.terminationGrace" -}}
{{- add .Values.drainSeconds .Values.preStopSeconds .Values.graceMarginSeconds -}}
{{- end -}}

{{/*
The environment every role shares. Call with (dict "root" $ "role" "gateway|worker" "jobs" "true|false").
*/}}
{{- define "chorus.commonEnv" -}}
- name: CHORUS_CONFIG
  value: /etc/chorus/config/chorus.yaml
- name: CHORUS_ROLE
  value: {{ .role | quote }}
- name: CHORUS_HOST
  value: 0.0.0.0
- name: CHORUS_DATA_DIR
  value: /var/lib/chorus
- name: CHORUS_SHUTDOWN_TIMEOUT
  value: {{ printf "%ds" (int .root.Values.drainSeconds) | quote }}
- name: CHORUS_JOBS_ENABLED
  value: {{ .jobs | quote }}
{{- if include "chorus.hasAdminKey" .root }}
- name: CHORUS_ADMIN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "chorus.adminSecretName" .root }}
      key: {{ .root.Values.adminKey.secretKey }}
{{- end }}
{{- if include "chorus.hasTenants" .root }}
- name: CHORUS_TENANTS_FILE
  value: /etc/chorus/tenants/tenants.yaml
- name: CHORUS_TENANTS_STATE_DIR
  value: /var/lib/chorus/tenants-state
{{- end }}
{{- if .root.Values.mtls.enabled }}
- name: CHORUS_CLUSTER_TLS
  value: "true"
{{- if eq .root.Values.mtls.provider "certManager" }}
- name: CHORUS_TLS_CERT
  value: /etc/chorus/tls/tls.crt
- name: CHORUS_TLS_KEY
  value: /etc/chorus/tls/tls.key
- name: CHORUS_TLS_TRUST
  value: /etc/chorus/tls/ca.crt
{{- else }}
- name: CHORUS_TLS_CERT
  value: /run/spire/svid.pem
- name: CHORUS_TLS_KEY
  value: /run/spire/svid_key.pem
- name: CHORUS_TLS_TRUST
  value: /run/spire/bundle.pem
{{- if .root.Values.mtls.spiffe.trustDomain }}
- name: CHORUS_TLS_TRUST_DOMAINS
  value: {{ .root.Values.mtls.spiffe.trustDomain | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volumes every role shares (the data directory is added by each role). */}}
{{- define "chorus.commonVolumes" -}}
- name: config
  configMap:
    name: {{ include "chorus.fullname" . }}-config
- name: cache
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- if include "chorus.hasTenants" . }}
- name: tenants
  secret:
    secretName: {{ include "chorus.tenantsSecretName" . }}
{{- end }}
{{- if .Values.mtls.enabled }}
{{- if eq .Values.mtls.provider "certManager" }}
- name: tls
  secret:
    secretName: {{ include "chorus.fullname" . }}-mtls
{{- else }}
- name: spiffe-workload-api
  csi:
    driver: {{ .Values.mtls.spiffe.csiDriver }}
    readOnly: true
- name: spire-svid
  emptyDir:
    medium: Memory
- name: spiffe-helper-config
  configMap:
    name: {{ include "chorus.fullname" . }}-spiffe-helper
{{- end }}
{{- end }}
{{- end -}}

{{- define "chorus.commonMounts" -}}
- name: config
  mountPath: /etc/chorus/config
  readOnly: true
- name: cache
  mountPath: /var/cache/chorus
- name: tmp
  mountPath: /tmp
{{- if include "chorus.hasTenants" . }}
- name: tenants
  mountPath: /etc/chorus/tenants
  readOnly: true
{{- end }}
{{- if .Values.mtls.enabled }}
{{- if eq .Values.mtls.provider "certManager" }}
- name: tls
  mountPath: /etc/chorus/tls
  readOnly: true
{{- else }}
- name: spire-svid
  mountPath: /run/spire
  readOnly: true
{{- end }}
{{- end }}
{{- end -}}

{{/* The spiffe-helper sidecar (native sidecar: an init container that keeps running). */}}
{{- define "chorus.spiffeHelper" -}}
{{- if and .Values.mtls.enabled (eq .Values.mtls.provider "spiffe") }}
- name: spiffe-helper
  image: {{ .Values.mtls.spiffe.helperImage }}
  restartPolicy: Always
  args: ["-config", "/etc/spiffe-helper/helper.conf"]
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    requests: {cpu: 10m, memory: 32Mi}
    limits: {memory: 64Mi}
  volumeMounts:
    - name: spiffe-workload-api
      mountPath: /spiffe-workload-api
      readOnly: true
    - name: spire-svid
      mountPath: /run/spire
    - name: spiffe-helper-config
      mountPath: /etc/spiffe-helper
      readOnly: true
{{- end }}
{{- end -}}

{{/* Probes: liveness on /healthz, readiness on /readyz, start-up on the gRPC health service. */}}
{{- define "chorus.probes" -}}
startupProbe:
  grpc:
    port: {{ .port }}
  periodSeconds: 2
  failureThreshold: 90
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 3
  timeoutSeconds: 2
  failureThreshold: 2
lifecycle:
  preStop:
    exec:
      command: ["sleep", "{{ .root.Values.preStopSeconds }}"]
{{- end -}}

{{/* Spread over zones (and hosts) as a preference for stateless roles. */}}
{{- define "chorus.spread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: {{ .root.Values.topologyKey }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "chorus.selector" (dict "root" .root "component" .component) | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "chorus.selector" (dict "root" .root "component" .component) | nindent 8 }}
{{- end -}}
