{{- define "decaycheck.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "decaycheck.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "decaycheck.secretName" -}}
{{- if .Values.app.existingSecret -}}{{ .Values.app.existingSecret }}{{- else -}}{{ include "decaycheck.fullname" . }}{{- end -}}
{{- end -}}

{{- define "decaycheck.redisUrl" -}}
{{- if .Values.redis.url -}}{{ .Values.redis.url }}{{- else -}}redis://{{ include "decaycheck.fullname" . }}-redis:6379/0{{- end -}}
{{- end -}}

{{- define "decaycheck.env" -}}
- name: DECAYCHECK_REDIS_URL
  value: {{ include "decaycheck.redisUrl" . | quote }}
- name: DECAYCHECK_PUBLIC_URL
  value: {{ .Values.app.publicUrl | quote }}
- name: DECAYCHECK_GITHUB_API_URL
  value: {{ .Values.app.githubApiUrl | quote }}
- name: DECAYCHECK_WORKER_CONCURRENCY
  value: {{ .Values.worker.concurrency | quote }}
envFrom:
  - secretRef:
      name: {{ include "decaycheck.secretName" . }}
{{- end -}}
