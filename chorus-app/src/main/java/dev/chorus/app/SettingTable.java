package dev.chorus.app;

import dev.chorus.runtime.EditDistance;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.tts.InvalidInputException;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting {@code chorus serve} knows: the fixed ones with their YAML key, environment variable, default and
 * meaning (also listed in docs/configuration.md), and the patterns of the open-ended keys (engine workers and
 * settings, OpenAI voice names, aliases, language defaults, safety policies) and of their environment variables.
 */
final class SettingTable {

    /** One fixed setting: its YAML key, environment variable, default and meaning. */
    record Setting(String key, String env, String defaultValue, String description) {
    }

    static final List<Setting> FIXED = List.of(
            new Setting("server.host", "CHORUS_HOST", "127.0.0.1", "address to listen on (0.0.0.0: every interface)"),
            new Setting("server.port", "CHORUS_PORT", "8080", "plain port for HTTP/1.1, h2c and gRPC (0: any free port)"),
            new Setting("server.transport", "CHORUS_TRANSPORT", "auto",
                    "network transport: auto (epoll on Linux), io_uring (less CPU per small answer; a client that "
                            + "half-closes after its request may get no answer), epoll or nio"),
            new Setting("server.max-request-bytes", "CHORUS_MAX_REQUEST_BYTES", "1MiB", "largest request body"),
            new Setting("server.cors.allowed-origins", "CHORUS_CORS_ALLOWED_ORIGINS", "(none)",
                    "web origins whose pages may call the API from a browser (CORS), comma-separated"),
            new Setting("server.shutdown-quiet-period", "CHORUS_SHUTDOWN_QUIET_PERIOD", "1s",
                    "on shutdown, how long the server must be idle before it stops early"),
            new Setting("server.shutdown-timeout", "CHORUS_SHUTDOWN_TIMEOUT", "30s",
                    "on shutdown, the longest time in-flight requests and streams get to finish"),
            new Setting("server.plaintext", "CHORUS_PLAINTEXT", "true",
                    "bind the plain port (false: serve only on the TLS port, which must then be configured)"),
            new Setting("tls.port", "CHORUS_TLS_PORT", "(8443 when TLS is on)",
                    "port of the mutual-TLS listener (HTTPS, HTTP/2, gRPC); TLS is on when any tls.port, tls.cert, "
                            + "tls.key or tls.trust is set"),
            new Setting("tls.host", "CHORUS_TLS_HOST", "(server.host)", "address the TLS listener binds"),
            new Setting("tls.cert", "CHORUS_TLS_CERT", "(none)",
                    "PEM file with the server's certificate, then its intermediates; reloaded when it changes"),
            new Setting("tls.key", "CHORUS_TLS_KEY", "(none)",
                    "PEM file with the server's private key (PKCS#8, PKCS#1 or SEC1, unencrypted); reloaded"),
            new Setting("tls.trust", "CHORUS_TLS_TRUST", "(none)",
                    "PEM trust bundles, comma-separated: client certificates must chain to one of their "
                            + "certificates; reloaded"),
            new Setting("tls.client-auth", "CHORUS_TLS_CLIENT_AUTH", "require",
                    "require: no client certificate, no connection; optional: clients may connect without one"),
            new Setting("tls.trust-domains", "CHORUS_TLS_TRUST_DOMAINS", "(any)",
                    "SPIFFE trust domains accepted, comma-separated (others fail the handshake)"),
            new Setting("tls.reload-interval", "CHORUS_TLS_RELOAD_INTERVAL", "5s",
                    "how often the certificate, key and trust files are checked for changes"),
            new Setting("tls.peer-header", "CHORUS_TLS_PEER_HEADER", "false",
                    "answer with x-chorus-peer: the client's SPIFFE ID, on the TLS port"),
            new Setting("wyoming.port", "CHORUS_WYOMING_PORT", "(none: Wyoming off)",
                    "port of the Wyoming listener (text to speech for Home Assistant; usually 10200)"),
            new Setting("wyoming.host", "CHORUS_WYOMING_HOST", "(server.host)", "address the Wyoming listener binds"),
            new Setting("wyoming.tenant", "CHORUS_WYOMING_TENANT", "(none)",
                    "tenant every Wyoming connection acts as; without it, a server with tenants takes an API key "
                            + "in each connection's first event"),
            new Setting("wyoming.zeroconf", "CHORUS_WYOMING_ZEROCONF", "true",
                    "advertise the Wyoming port over mDNS as _wyoming._tcp (never on a loopback address)"),
            new Setting("wyoming.name", "CHORUS_WYOMING_NAME", "chorus",
                    "name advertised over mDNS and given as the program's name in Wyoming info"),
            new Setting("wyoming.max-connections", "CHORUS_WYOMING_MAX_CONNECTIONS", "64",
                    "Wyoming connections served at once; one more gets an error event and is closed"),
            new Setting("server.warm-up", "CHORUS_WARM_UP", "true",
                    "speak a phrase with the default voice before reporting ready"),
            new Setting("marytts.enabled", "CHORUS_MARYTTS_ENABLED", "true",
                    "serve the MaryTTS-compatible API at the root (/process, /voices, /locales, ...)"),
            new Setting("limits.max-input-chars", "CHORUS_MAX_INPUT_CHARS", "4096",
                    "longest input text, in characters"),
            new Setting("limits.request-timeout", "CHORUS_REQUEST_TIMEOUT", "5m", "deadline of one synthesis"),
            new Setting("limits.max-pending-per-worker", "CHORUS_MAX_PENDING_PER_WORKER", "4",
                    "requests admitted per engine worker (running or queued) before new ones wait"),
            new Setting("limits.admission-wait", "CHORUS_ADMISSION_WAIT", "0s",
                    "how long a request beyond that waits for a slot before 503 with Retry-After"),
            new Setting("limits.max-queue-wait", "CHORUS_MAX_QUEUE_WAIT", "0s",
                    "refuse at once (503) a request predicted to wait longer for a worker (0s: only its deadline)"),
            new Setting("limits.max-queue-wait-ratio", "CHORUS_MAX_QUEUE_WAIT_RATIO", "1",
                    "refuse at once (503) a request predicted to wait longer than this times its own synthesis time"),
            new Setting("limits.max-unread-bytes", "CHORUS_MAX_UNREAD_BYTES", "16MiB",
                    "audio bytes one response may hold for a slow client before it is ended with an error"),
            new Setting("limits.stream-buffer-bytes", "CHORUS_STREAM_BUFFER_BYTES", "64KiB",
                    "audio bytes waiting for a client past which its synthesis pauses until it reads"),
            new Setting("limits.stall-timeout", "CHORUS_STALL_TIMEOUT", "20s",
                    "how long a paused stream's client may read nothing before it is cut (outcome stalled)"),
            new Setting("limits.max-waiting-requests", "CHORUS_MAX_WAITING_REQUESTS", "64",
                    "synthesis requests waiting for admission at once; more get 503 at the door, at once"),
            new Setting("limits.max-streams-per-connection", "CHORUS_MAX_STREAMS_PER_CONNECTION", "100",
                    "HTTP/2 streams (REST, gRPC) one connection may have open at once"),
            new Setting("engines.enabled", "CHORUS_ENGINES", "(all installed)",
                    "engine ids to open, comma-separated"),
            new Setting("engines.default-voice", "CHORUS_DEFAULT_VOICE", EngineRegistry.DEFAULT_VOICE,
                    "voice used when a request names none"),
            new Setting("engines.isolation", "CHORUS_ENGINE_ISOLATION", "none",
                    "none: every engine runs in this process; process: the engines.isolated engines run in "
                            + "supervised engine host processes, so a native crash costs a host, not the server"),
            new Setting("engines.isolated", "CHORUS_ISOLATED_ENGINES", "espeak,piper,kokoro,matcha,fastspeech2",
                    "engines run in engine host processes under engines.isolation process, comma-separated"),
            new Setting("engines.isolation-hosts", "CHORUS_ENGINE_HOSTS", "1",
                    "engine host processes (a crashed host's requests are re-run on a fresh one), 1..16"),
            new Setting("engines.isolation-hang-timeout", "CHORUS_ENGINE_HANG_TIMEOUT", "30s",
                    "least time a sentence may run on an engine host without progress (or a host stay silent) "
                            + "before the host counts as hung and is killed and restarted, >= 1s"),
            new Setting("engines.quarantine", "CHORUS_ENGINE_QUARANTINE", "10m",
                    "how long an input that crashed engine hosts twice is refused (422), and a voice that keeps "
                            + "crashing them (503)"),
            new Setting("admin.key", "CHORUS_ADMIN_KEY", "(none: admin routes off)",
                    "bearer key for the /admin routes (voices: load, unload, reload; tenants: usage); at least 16 "
                            + "characters"),
            new Setting("tenants.file", "CHORUS_TENANTS_FILE", "(none: the server runs open)",
                    "YAML file of tenants: API key hashes, SPIFFE IDs, voices, limits; reloaded when it changes"),
            new Setting("tenants.state-dir", "CHORUS_TENANTS_STATE_DIR", "(chorus-state beside the tenants file)",
                    "where monthly quota use is kept when there is no Redis"),
            new Setting("tenants.redis.url", "CHORUS_TENANTS_REDIS_URL", "(none: limits kept in this process)",
                    "Redis (redis://host:port) holding rate limits and quotas shared by every replica"),
            new Setting("tenants.redis.on-outage", "CHORUS_TENANTS_REDIS_ON_OUTAGE", "fail-closed",
                    "while Redis does not answer: fail-closed (503) or fail-open (limits counted in this process)"),
            new Setting("tenants.reload-interval", "CHORUS_TENANTS_RELOAD_INTERVAL", "2s",
                    "how often the tenants file is checked for changes"),
            new Setting("tenants.concurrent-streams", "CHORUS_TENANTS_CONCURRENT_STREAMS", "100",
                    "syntheses in progress at once per tenant whose limits name none (0: no limit)"),
            new Setting("metrics.enabled", "CHORUS_METRICS_ENABLED", "true",
                    "serve Prometheus metrics at /metrics"),
            new Setting("metrics.tenant-labels", "CHORUS_METRICS_TENANT_LABELS", "true",
                    "label request metrics with the tenant (false bounds cardinality)"),
            new Setting("logging.format", "CHORUS_LOG_FORMAT", "auto",
                    "log line format: json (one object per line), text, or auto (text on a terminal, json otherwise)"),
            new Setting("logging.access-log", "CHORUS_ACCESS_LOG", "true", "write one log line per request"),
            new Setting("logging.capture-native-stderr", "CHORUS_CAPTURE_NATIVE_STDERR", "true",
                    "log what native libraries print to stderr as log lines (logger dev.chorus.native)"),
            new Setting("logging.log-input", "CHORUS_LOG_INPUT", "false",
                    "log each request's input text (off: input text is never logged)"),
            new Setting("text.lexicons", "CHORUS_LEXICONS", "(none)",
                    "lexicon files (YAML or W3C PLS) applied to every request, comma-separated"),
            new Setting("audio.mp3-bitrate", "CHORUS_MP3_BITRATE", "(by sample rate)", "MP3 bitrate in kbps (CBR)"),
            new Setting("audio.opus-bitrate", "CHORUS_OPUS_BITRATE", "(encoder default)", "Opus bitrate in kbps"),
            new Setting("audio.aac-bitrate", "CHORUS_AAC_BITRATE", "(encoder default)", "AAC bitrate in kbps"),
            new Setting("audio.ffmpeg", "CHORUS_FFMPEG", "ffmpeg", "the ffmpeg program used to encode AAC"),
            new Setting("engines.workers", "CHORUS_WORKERS", "(CPU count)",
                    "concurrent syntheses per engine, unless engines.<id>.workers says otherwise"),
            new Setting("safety.rules", "CHORUS_SAFETY_RULES", "(none: content safety off)",
                    "YAML file of content rules (see docs/safety.md); reloaded when it changes"),
            new Setting("safety.policy.default", "CHORUS_SAFETY_POLICY_DEFAULT", "block",
                    "action for categories without a safety.policy.<category>: block, mask or log"),
            new Setting("safety.mask", "CHORUS_SAFETY_MASK", "beep",
                    "what masked words sound like: beep (a quiet 1 kHz tone) or silence"),
            new Setting("safety.on-timeout", "CHORUS_SAFETY_ON_TIMEOUT", "fail-closed",
                    "a pattern that runs out of time: fail-closed (counts as a match) or fail-open (only logged)"),
            new Setting("safety.pattern-timeout", "CHORUS_SAFETY_PATTERN_TIMEOUT", "50ms",
                    "time each rule pattern gets per request"),
            new Setting("safety.reload-interval", "CHORUS_SAFETY_RELOAD_INTERVAL", "2s",
                    "how often the rules file is checked for changes"),
            new Setting("safety.audit-log", "CHORUS_SAFETY_AUDIT_LOG", "(none: the dev.chorus.safety.audit logger)",
                    "file that receives one JSON line per content-safety decision"),
            new Setting("safety.audit-include-text", "CHORUS_SAFETY_AUDIT_INCLUDE_TEXT", "false",
                    "put the matched text in audit lines (off: offsets only)"),
            new Setting("voices.dirs", "CHORUS_VOICES", "(the user's chorus/voices data directory)",
                    "voice directories every ONNX engine scans (piper, kokoro, matcha, fastspeech2), a list or "
                            + "separated by ':'; models are recognised by their files and metadata"),
            new Setting("backcheck.mode", "CHORUS_BACKCHECK_MODE", "off",
                    "speech back-check of produced audio: off, sampled, strict (each sentence held until checked) "
                            + "or all (see docs/backcheck.md)"),
            new Setting("backcheck.sample-fraction", "CHORUS_BACKCHECK_SAMPLE_FRACTION", "0.05",
                    "fraction of requests the sampled back-check listens to, 0 to 1"),
            new Setting("backcheck.recognizer", "CHORUS_BACKCHECK_RECOGNIZER", "pocketsphinx",
                    "the recognizer the back-check listens with"),
            new Setting("backcheck.workers", "CHORUS_BACKCHECK_WORKERS", "1",
                    "recognizer decoders and back-check threads (each decoder holds its own model)"),
            new Setting("backcheck.pocketsphinx.model", "CHORUS_BACKCHECK_POCKETSPHINX_MODEL",
                    "(Debian's /usr/share/pocketsphinx/model/en-us)",
                    "directory with en-us/, en-us.lm.bin and cmudict-en-us.dict"),
            new Setting("backcheck.pocketsphinx.library", "CHORUS_BACKCHECK_POCKETSPHINX_LIBRARY",
                    "(Debian's libpocketsphinx.so.3)", "the PocketSphinx library file"),
            new Setting("backcheck.release-gate", "CHORUS_BACKCHECK_RELEASE_GATE", "off",
                    "what a new voice version must pass before it serves: off, signal (not silent, clipped, far too "
                            + "short or long) or recognize (also understood by the recognizer)"),
            new Setting("backcheck.release-gate-max-wer", "CHORUS_BACKCHECK_RELEASE_GATE_MAX_WER", "0.5",
                    "the highest word error rate on the check sentences a new voice version may have, 0 to 1"),
            new Setting("backcheck.paraformer.dir", "CHORUS_BACKCHECK_PARAFORMER_DIR", "(none)",
                    "Paraformer model directory (model.onnx or model.int8.onnx and tokens.txt, sherpa-onnx layout)"),
            new Setting("backcheck.paraformer.model", "CHORUS_BACKCHECK_PARAFORMER_MODEL",
                    "(model.int8.onnx when present, else model.onnx)", "the model file in backcheck.paraformer.dir"),
            new Setting("backcheck.paraformer.languages", "CHORUS_BACKCHECK_PARAFORMER_LANGUAGES", "zh",
                    "languages the Paraformer model understands, comma-separated (zh, or zh,en for a bilingual one)"),
            new Setting("backcheck.paraformer.threads", "CHORUS_BACKCHECK_PARAFORMER_THREADS", "1",
                    "ONNX Runtime threads per Paraformer recognition, 1 to 64"),
            new Setting("quality.mos.model", "CHORUS_QUALITY_MOS_MODEL", "(none: no MOS estimate)",
                    "DNSMOS P.835 model (sig_bak_ovr.onnx) that rates responses into chorus_quality_mos"),
            new Setting("quality.mos.predictor", "CHORUS_QUALITY_MOS_PREDICTOR", "dnsmos",
                    "the MOS predictor family the model is for"),
            new Setting("quality.mos.sample-fraction", "CHORUS_QUALITY_MOS_SAMPLE_FRACTION", "0.1",
                    "fraction of synthesized responses rated, 0 to 1"),
            new Setting("quality.mos.workers", "CHORUS_QUALITY_MOS_WORKERS", "1",
                    "threads that rate responses beside the streams, 1 to 64"),
            new Setting("quality.mos.personalized", "CHORUS_QUALITY_MOS_PERSONALIZED", "false",
                    "true for a personalized DNSMOS (pDNSMOS) model, which has its own calibration"),
            new Setting("data.dir", "CHORUS_DATA_DIR", "($XDG_DATA_HOME/chorus, else ~/.local/share/chorus)",
                    "where the job store (jobs.db) and the jobs' audio (jobs-audio/) live; also --data-dir"),
            new Setting("jobs.enabled", "CHORUS_JOBS_ENABLED", "true", "serve the long-form jobs API (/v1/audio/jobs)"),
            new Setting("jobs.store", "CHORUS_JOBS_STORE", "sqlite",
                    "job metadata store: sqlite (embedded, in data.dir) or raft (a replicated Apache Ratis group)"),
            new Setting("jobs.raft.id", "CHORUS_JOBS_RAFT_ID", "(none)", "this node's id in the Raft group (raft)"),
            new Setting("jobs.raft.peers", "CHORUS_JOBS_RAFT_PEERS", "(none)",
                    "the Raft group's 3 or 5 members as id=host:port,... (raft)"),
            new Setting("jobs.raft.bind", "CHORUS_JOBS_RAFT_BIND", "(every interface)",
                    "the address this node's Raft port listens on (raft)"),
            new Setting("jobs.raft.snapshot-entries", "CHORUS_JOBS_RAFT_SNAPSHOT_ENTRIES", "10000",
                    "applied log entries between two snapshots of the job store (raft)"),
            new Setting("jobs.raft.purge-gap", "CHORUS_JOBS_RAFT_PURGE_GAP", "1024",
                    "the log is purged up to the latest snapshot in steps of this many entries (raft)"),
            new Setting("jobs.raft.segment-size", "CHORUS_JOBS_RAFT_SEGMENT_SIZE", "8MiB",
                    "largest Raft log segment file; purging removes whole closed segments (raft)"),
            new Setting("jobs.raft.election-timeout", "CHORUS_JOBS_RAFT_ELECTION_TIMEOUT", "1s",
                    "shortest wait for a leader's heartbeat before an election; the longest is twice it (raft)"),
            new Setting("jobs.raft.request-timeout", "CHORUS_JOBS_RAFT_REQUEST_TIMEOUT", "10s",
                    "how long a job store call waits for a majority before it fails with 503 (raft)"),
            new Setting("jobs.raft.join", "CHORUS_JOBS_RAFT_JOIN", "false",
                    "start as a new member that waits to be added to a running group by set-members (raft)"),
            new Setting("jobs.audio-dir", "CHORUS_JOBS_AUDIO_DIR", "(data.dir/jobs-audio)",
                    "directory of the jobs' audio (a volume the nodes share)"),
            new Setting("jobs.max-input-chars", "CHORUS_JOBS_MAX_INPUT_CHARS", "1000000",
                    "longest job input, in characters"),
            new Setting("jobs.run-chars", "CHORUS_JOBS_RUN_CHARS", "1000",
                    "longest sentence run a job is split into (at most limits.max-input-chars)"),
            new Setting("jobs.max-request-bytes", "CHORUS_JOBS_MAX_REQUEST_BYTES", "8MiB", "largest job creation body"),
            new Setting("jobs.max-jobs-per-tenant", "CHORUS_JOBS_MAX_JOBS_PER_TENANT", "1000",
                    "jobs a tenant may have stored (any status but expired); one more gets 429"),
            new Setting("jobs.max-stored-bytes", "CHORUS_JOBS_MAX_STORED_BYTES", "10GiB",
                    "audio all jobs may hold; past it, creation gets 503 until jobs expire or are deleted"),
            new Setting("jobs.default-ttl", "CHORUS_JOBS_DEFAULT_TTL", "24h",
                    "how long a job and its audio are kept when the request gives no ttl"),
            new Setting("jobs.max-ttl", "CHORUS_JOBS_MAX_TTL", "720h", "longest ttl a request may ask for"),
            new Setting("jobs.lease", "CHORUS_JOBS_LEASE", "30s",
                    "how long a node's claim on a job holds unrenewed; a dead node's jobs resume after it"),
            new Setting("jobs.workers", "CHORUS_JOBS_WORKERS", "1", "jobs this node makes at once (0: none)"),
            new Setting("jobs.s3.bucket", "CHORUS_JOBS_S3_BUCKET", "(none: audio in jobs.audio-dir)",
                    "keep the jobs' audio in this S3-compatible bucket (credentials: the AWS SDK's default chain)"),
            new Setting("jobs.s3.prefix", "CHORUS_JOBS_S3_PREFIX", "(none)", "key prefix of the jobs' audio objects"),
            new Setting("jobs.s3.endpoint", "CHORUS_JOBS_S3_ENDPOINT", "(AWS)",
                    "endpoint of another S3-compatible store, such as http://minio:9000"),
            new Setting("jobs.s3.region", "CHORUS_JOBS_S3_REGION", "(the AWS SDK's default chain)",
                    "the bucket's region"),
            new Setting("jobs.s3.path-style", "CHORUS_JOBS_S3_PATH_STYLE", "false",
                    "address the bucket in the path (host/bucket/key) instead of the host name (bucket.host/key)"),
            new Setting("jobs.audio.download", "CHORUS_JOBS_AUDIO_DOWNLOAD", "proxy",
                    "how clients fetch a job's audio: proxy (through the server) or presigned (from the S3 store)"),
            new Setting("jobs.audio.presign-expiry", "CHORUS_JOBS_AUDIO_PRESIGN_EXPIRY", "15m",
                    "how long a presigned audio URL works, 1s to 168h (never past the job's expiry)"),
            new Setting("jobs.webhook.key", "CHORUS_JOBS_WEBHOOK_KEY", "(none: webhook_url refused)",
                    "key (at least 16 characters) that signs job notifications with HMAC-SHA256"),
            new Setting("jobs.webhook.allow", "CHORUS_JOBS_WEBHOOK_ALLOW", "(none)",
                    "hosts job notifications may reach although their addresses are not public, comma-separated"),
            new Setting("jobs.webhook.max-attempts", "CHORUS_JOBS_WEBHOOK_MAX_ATTEMPTS", "8",
                    "attempts to deliver one notification before giving up"),
            new Setting("jobs.webhook.retry-base", "CHORUS_JOBS_WEBHOOK_RETRY_BASE", "5s",
                    "wait before the first retry of a notification; each later one waits twice as long (at most 10m)"),
            new Setting("cache.enabled", "CHORUS_CACHE_ENABLED", "true",
                    "cache finished audio and share one synthesis among identical requests in progress"),
            new Setting("cache.max-bytes", "CHORUS_CACHE_MAX_BYTES", "256MiB",
                    "encoded audio the memory tier of the response cache holds"),
            new Setting("cache.max-entry-bytes", "CHORUS_CACHE_MAX_ENTRY_BYTES", "8MiB",
                    "largest response cached (and joined by identical requests after its start)"),
            new Setting("cache.sentence.max-bytes", "CHORUS_CACHE_SENTENCE_MAX_BYTES", "64MiB",
                    "PCM of single sentences kept for reuse inside other texts (0: off)"),
            new Setting("cache.disk.path", "CHORUS_CACHE_DISK_PATH", "(none: memory only)",
                    "directory of the response cache's disk tier, kept across restarts"),
            new Setting("cache.disk.max-bytes", "CHORUS_CACHE_DISK_MAX_BYTES", "1GiB",
                    "bytes the disk tier's files may take; least recently used go first"),
            new Setting("cluster.role", "CHORUS_ROLE", "all",
                    "all: one process does everything; gateway: no engines, synthesis on cluster.workers; worker: "
                            + "engines plus the worker API on cluster.worker-port"),
            new Setting("cluster.worker-port", "CHORUS_WORKER_PORT", "8081",
                    "a worker's port for the worker API (gRPC; TLS with cluster.tls)"),
            new Setting("cluster.worker.allowed-spiffe-ids", "CHORUS_WORKER_ALLOWED_SPIFFE_IDS", "(none: any caller "
                    + "the trust bundle lets through)", "SPIFFE IDs a worker serves, comma-separated: exact IDs or "
                    + "prefixes ending in /* (needs cluster.tls); other callers get PERMISSION_DENIED"),
            new Setting("cluster.workers", "CHORUS_WORKER_ENDPOINTS", "(none)",
                    "a gateway's workers, comma-separated: HOST:PORT, NAME:PORT (DNS A/AAAA), dns+srv://NAME or "
                            + "k8s://SERVICE.NAMESPACE:PORT (Kubernetes EndpointSlices)"),
            new Setting("cluster.policy", "CHORUS_CLUSTER_POLICY", "backlog",
                    "how a gateway picks a worker: backlog (power of two choices) or round-robin"),
            new Setting("cluster.report-interval", "CHORUS_CLUSTER_REPORT_INTERVAL", "200ms",
                    "how often workers push load reports to gateways (50ms..200ms)"),
            new Setting("cluster.eject-after", "CHORUS_CLUSTER_EJECT_AFTER", "2s",
                    "a worker silent this long is ejected and its streams resume on other workers"),
            new Setting("cluster.max-attempts", "CHORUS_CLUSTER_MAX_ATTEMPTS", "3",
                    "workers one request may be tried on (resumed where the last one stopped)"),
            new Setting("cluster.spread.min-chars", "CHORUS_CLUSTER_SPREAD_MIN_CHARS", "0",
                    "a gateway spreads requests of at least this many input characters over several workers, in "
                            + "runs of sentences (0: off, each request runs on one worker)"),
            new Setting("cluster.spread.run-pieces", "CHORUS_CLUSTER_SPREAD_RUN_PIECES", "4",
                    "pieces of the plan (sentences, pauses, marks) in one run sent to one worker"),
            new Setting("cluster.spread.in-flight", "CHORUS_CLUSTER_SPREAD_IN_FLIGHT", "3",
                    "runs of one spread request unfinished at once (1..64), the first included"),
            new Setting("cluster.outlier.failures", "CHORUS_CLUSTER_OUTLIER_FAILURES", "5",
                    "failed calls in a row that eject a worker from routing"),
            new Setting("cluster.outlier.window", "CHORUS_CLUSTER_OUTLIER_WINDOW", "30s",
                    "the most time between two failed calls of one streak"),
            new Setting("cluster.outlier.ejection", "CHORUS_CLUSTER_OUTLIER_EJECTION", "5s",
                    "a first ejection's length; each following one doubles"),
            new Setting("cluster.outlier.max-ejection", "CHORUS_CLUSTER_OUTLIER_MAX_EJECTION", "2m",
                    "the longest ejection (and how long a readmitted worker stays in to start again from the first)"),
            new Setting("cluster.slow-start", "CHORUS_CLUSTER_SLOW_START", "10s",
                    "how long a joining or readmitted worker takes to reach its full share of traffic (0: off)"),
            new Setting("cluster.startup-wait", "CHORUS_CLUSTER_STARTUP_WAIT", "60s",
                    "how long a gateway waits at start for a worker's first report (its voices)"),
            new Setting("cluster.tls", "CHORUS_CLUSTER_TLS", "false",
                    "TLS between gateways and workers with tls.cert, tls.key and tls.trust (client certificate "
                            + "required by workers)"));

    /** Engine settings that also have an environment variable (other engine settings come from YAML only). */
    static final Map<String, String> ENGINE_SETTING_ENV = Map.of(
            "CHORUS_ESPEAK_LIBRARY", "engines.espeak.library",
            "CHORUS_ESPEAK_DATA", "engines.espeak.data",
            "CHORUS_ESPEAK_ISOLATION", "engines.espeak.isolation",
            "CHORUS_HMM_LIB_DIR", "engines.hmm.lib.dir",
            "CHORUS_PIPER_VOICES", "engines.piper.voices",
            "CHORUS_PIPER_DEVICE", "engines.piper.device");

    static final Pattern ENGINE_KEY = Pattern.compile("engines\\.([a-z0-9_-]+)\\.(.+)");
    static final Pattern VOICE_KEY = Pattern.compile("openai\\.voices\\.([a-z0-9_-]+)");
    static final Pattern ALIAS_KEY = Pattern.compile("voices\\.aliases\\.([A-Za-z0-9_.-]+)");
    static final Pattern LANGUAGE_KEY = Pattern.compile("voices\\.languages\\.([A-Za-z0-9_-]+)");
    static final Pattern POLICY_KEY = Pattern.compile("safety\\.policy\\.([a-z0-9][a-z0-9_.-]*)");
    static final Pattern POLICY_ENV = Pattern.compile("CHORUS_SAFETY_POLICY_([A-Z0-9_]+)");
    static final Pattern WORKERS_ENV = Pattern.compile("CHORUS_([A-Z0-9]+)_WORKERS");
    static final Pattern VOICE_ENV = Pattern.compile("CHORUS_OPENAI_VOICE_([A-Z0-9_]+)");

    private SettingTable() {
    }

    /**
     * Returns {@code key} if it is a known setting.
     *
     * @throws InvalidInputException naming {@code source} and the closest known key otherwise
     */
    static String checkKey(String key, String source) {
        if (FIXED.stream().anyMatch(f -> f.key().equals(key)) || VOICE_KEY.matcher(key).matches()
                || ALIAS_KEY.matcher(key).matches() || LANGUAGE_KEY.matcher(key).matches()
                || POLICY_KEY.matcher(key).matches()
                || (ENGINE_KEY.matcher(key).matches() && !key.equals("engines.default-voice"))) {
            return key;
        }
        String closest = FIXED.stream().map(Setting::key)
                .min(Comparator.comparingInt(k -> EditDistance.between(k, key))).orElseThrow();
        throw new InvalidInputException(key, source + ": unknown setting '" + key + "' (did you mean '" + closest
                + "'? every setting is listed in docs/configuration.md)");
    }
}
