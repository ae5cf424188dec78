package dev.chorus.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Job notifications: when a job with a {@code webhook_url} succeeds or fails, one POST of a JSON event, signed
 * with HMAC-SHA256 over {@code TIMESTAMP.BODY} in the header {@code Chorus-Signature: t=TIMESTAMP,v1=HEX}. Delivery
 * is at least once: an answer other than 2xx, or none, is retried with exponential backoff up to
 * {@code jobs.webhook.max-attempts}; each attempt is claimed in the store first, so nodes sharing it do not send
 * the same attempt twice. Targets are {@code https}, or {@code http} on a loopback address; an address that is
 * loopback, private, link-local or otherwise not public is refused unless its host is in
 * {@code jobs.webhook.allow} (checked when the job is created and again before each attempt).
 */
final class Webhooks {

    /** The signature header. */
    static final String SIGNATURE_HEADER = "Chorus-Signature";
    /** The event's id, the same on every attempt: receivers drop repeats by it. */
    static final String ID_HEADER = "Chorus-Webhook-Id";

    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final JobStore store;
    private final JobsConfig config;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Webhooks(JobStore store, JobsConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Checks a target URL.
     *
     * @throws IllegalArgumentException saying what is wrong, naming the URL
     */
    static void checkTarget(String url, List<String> allow) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("webhook_url: '" + url + "' is not a URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        String host = u.getHost();
        if (host == null || !(scheme.equals("https") || scheme.equals("http")) || u.getUserInfo() != null) {
            throw new IllegalArgumentException("webhook_url: '" + url + "' (expected: an https URL with a host and "
                    + "no user info)");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean allowed = allow.stream().anyMatch(a -> a.equalsIgnoreCase(bare));
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("webhook_url: host '" + bare + "' does not resolve");
        }
        boolean loopback = true;
        for (InetAddress a : addresses) {
            loopback &= a.isLoopbackAddress();
            if (!allowed && !isPublic(a)) {
                throw new IllegalArgumentException("webhook_url: host '" + bare + "' is " + a.getHostAddress()
                        + ", not a public address (expected: a public host, or one listed in jobs.webhook.allow)");
            }
        }
        if (scheme.equals("http") && !loopback) {
            throw new IllegalArgumentException("webhook_url: '" + url + "' (expected: https; plain http only to a "
                    + "loopback address)");
        }
    }

    private static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int x = b[0] & 0xff;
            int y = b[1] & 0xff;
            return !(x == 0 || (x == 100 && y >= 64 && y < 128) || (x == 192 && y == 0 && (b[2] & 0xff) == 0)
                    || (x == 198 && (y == 18 || y == 19)) || x >= 240);
        }
        return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local addresses.
    }

    /** Returns the signature header's value for {@code body} sent at {@code timestamp} (Unix seconds). */
    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] d = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(d);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the event a finished job sends. */
    static String event(Job j) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", j.id() + "." + j.status().id());
        o.put("type", "job." + j.status().id());
        ObjectNode job = o.putObject("job");
        job.put("id", j.id());
        job.put("status", j.status().id());
        job.put("created_at", j.createdAt().getEpochSecond());
        job.put("expire_at", j.expireAt().getEpochSecond());
        if (j.finishedAt() != null) {
            job.put("finished_at", j.finishedAt().getEpochSecond());
        }
        if (j.status() == JobStatus.SUCCEEDED) {
            job.put("audio_url", "/v1/audio/jobs/" + j.id() + "/audio");
            job.put("marks_url", "/v1/audio/jobs/" + j.id() + "/marks");
            job.put("audio_bytes", j.audioBytes());
        }
        if (j.error() != null) {
            job.putObject("error").put("message", j.error());
        }
        return o.toString();
    }

    /** Sends the notifications that are due; runs on the runner's timer. */
    void deliverDue() {
        if (config.webhookSecret() == null) {
            return;
        }
        for (Job j : store.claimWebhooks(clock.instant(), Duration.ofSeconds(30), 16)) {
            int attempt = (j.webhook() == null ? 0 : j.webhook().attempts()) + 1;
            String error = send(j);
            Instant now = clock.instant();
            if (error == null) {
                store.webhookAttempt(j.id(), "delivered", null, now);
            } else if (attempt >= config.webhookMaxAttempts()) {
                LOG.log(System.Logger.Level.WARNING, "jobs: gave up notifying " + j.webhookUrl() + " of " + j.id()
                        + " after " + attempt + " attempts: " + error);
                store.webhookAttempt(j.id(), "failed", error, now);
            } else {
                long factor = 1L << Math.min(attempt - 1, 20);
                Duration wait = config.webhookRetryBase().multipliedBy(factor);
                store.webhookAttempt(j.id(), "pending", error,
                        now.plus(wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait));
            }
        }
    }

    /** Sends one attempt; returns null when it was delivered, else why not. */
    private String send(Job j) {
        try {
            checkTarget(j.webhookUrl(), config.webhookAllow());
            String body = event(j);
            HttpRequest r = HttpRequest.newBuilder(URI.create(j.webhookUrl())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header(ID_HEADER, j.id() + "." + j.status().id())
                    .header(SIGNATURE_HEADER, sign(config.webhookSecret(), clock.instant().getEpochSecond(), body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<Void> a = http.send(r, HttpResponse.BodyHandlers.discarding());
            return a.statusCode() / 100 == 2 ? null : "HTTP " + a.statusCode();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
