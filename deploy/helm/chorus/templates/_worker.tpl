{{/*
One worker pool: its Deployment and headless Service. Call with
(dict "root" $ "pool" "worker|worker-gpu" "v" <the pool's values> "gpu" true|false).
*/}}
{{- define "chorus.workerPool" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $sel := dict "root" $root "component" .pool -}}
{{- $svc := include "chorus.workerService" (dict "root" $root "pool" .pool) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chorus.fullname" $root }}-{{ .pool }}
  labels:
    {{- include "chorus.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .pool }}
spec:
  {{- if eq $root.Values.autoscaling.mode "none" }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  # One new worker at a time, none taken away before its replacement is ready: gateways move new work to the new
  # pod while the old one drains (docs/cluster.md, failures).
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "chorus.selector" $sel | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "chorus.selector" $sel | nindent 8 }}
        chorus.dev/role: worker
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "chorus.serviceAccountName" $root }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ include "chorus.terminationGrace" $root }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- include "chorus.spread" $sel | nindent 6 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (include "chorus.spiffeHelper" $root) }}
      initContainers:
        {{- . | nindent 8 }}
      {{- end }}
      containers:
        - name: chorus
          {{- if and .gpu $v.image.repository }}
          image: {{ printf "%s:%s" $v.image.repository (default $root.Chart.AppVersion $v.image.tag) }}
          {{- else }}
          image: {{ include "chorus.image" $root }}
          {{- end }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["serve"]
          ports:
            - name: http
              containerPort: {{ $root.Values.worker.port }}
              protocol: TCP
            - name: grpc
              containerPort: {{ $root.Values.worker.workerPort }}
              protocol: TCP
          env:
            {{- include "chorus.commonEnv" (dict "root" $root "role" "worker" "jobs" "false") | nindent 12 }}
            - name: CHORUS_PORT
              value: {{ $root.Values.worker.port | quote }}
            - name: CHORUS_WORKER_PORT
              value: {{ $root.Values.worker.workerPort | quote }}
            - name: CHORUS_ENGINES
              value: {{ $v.engines | quote }}
            - name: CHORUS_VOICES
              value: /var/lib/chorus-voices
            {{- if .gpu }}
            - name: CHORUS_PIPER_DEVICE
              value: cuda
            {{- end }}
            - name: CHORUS_JAVA_OPTS
              value: {{ $v.javaOpts | quote }}
            {{- with $v.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "chorus.probes" (dict "root" $root "port" $root.Values.worker.port) | nindent 10 }}
          resources:
            {{- if .gpu }}
            requests:
              {{- toYaml $v.resources.requests | nindent 14 }}
              nvidia.com/gpu: {{ $v.gpus }}
            limits:
              {{- toYaml $v.resources.limits | nindent 14 }}
              nvidia.com/gpu: {{ $v.gpus }}
            {{- else }}
            {{- toYaml $v.resources | nindent 12 }}
            {{- end }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "chorus.commonMounts" $root | nindent 12 }}
            - name: data
              mountPath: /var/lib/chorus
            - name: voices
              mountPath: /var/lib/chorus-voices
              readOnly: true
      volumes:
        {{- include "chorus.commonVolumes" $root | nindent 8 }}
        - name: data
          emptyDir: {}
        - name: voices
          {{- if $root.Values.worker.voices.existingClaim }}
          persistentVolumeClaim:
            claimName: {{ $root.Values.worker.voices.existingClaim }}
            readOnly: true
          {{- else }}
          emptyDir: {}
          {{- end }}
---
# Headless: one A record per ready worker and an SRV record per port, which gateways follow
# (cluster.workers: dns+srv://_grpc._tcp.<this service>...).
apiVersion: v1
kind: Service
metadata:
  name: {{ $svc }}
  labels:
    {{- include "chorus.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .pool }}
    chorus.dev/metrics: "true"
spec:
  clusterIP: None
  publishNotReadyAddresses: false
  selector:
    {{- include "chorus.selector" $sel | nindent 4 }}
  ports:
    - name: grpc
      port: {{ $root.Values.worker.workerPort }}
      targetPort: grpc
      protocol: TCP
    - name: http
      port: {{ $root.Values.worker.port }}
      targetPort: http
      protocol: TCP
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "chorus.fullname" $root }}-{{ .pool }}
  labels:
    {{- include "chorus.labels" $root | nindent 4 }}
spec:
  maxUnavailable: {{ $v.pdb.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "chorus.selector" $sel | nindent 6 }}
{{- end -}}
