package dev.chorus.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.ReloadingRules;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.safety.ScanResult;
import dev.chorus.safety.SourceText;
import dev.chorus.safety.Verdict;
import dev.chorus.ssml.Segment;
import dev.chorus.ssml.SsmlDocument;
import dev.chorus.ssml.SsmlParser;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.TextOptions;
import io.micrometer.core.instrument.Counter;

import java.time.Instant;
import java.util.List;

/**
 * Screens each request's text against the content rules before synthesis: the policy's {@code block} refuses the
 * request (422, or gRPC FAILED_PRECONDITION) naming the categories, {@code mask} turns the matched words into
 * silence or a beep in the audio ({@link MaskingListener}), {@code log} lets it through. Every decision goes to
 * the audit log and to {@code chorus_safety_decisions_total{category, action}}.
 *
 * <p>SSML is screened on its text content, not its markup; offsets still point into the document. Text in
 * separate elements is joined as written, so a word split across tags is still one word; sentence and
 * paragraph ends and breaks separate words.
 */
final class ContentSafety implements AutoCloseable {

    /** What {@link #screen} returns for a request that needs nothing done to its audio. */
    static final Screening PASS = new Screening(null, List.of(), null);

    private static final SsmlParser SSML = new SsmlParser();

    private final SafetyConfig config;
    private final ReloadingRules rules;
    private final SafetyAudit audit;
    private final Telemetry telemetry;

    private ContentSafety(SafetyConfig config, Telemetry telemetry) {
        this.config = config;
        this.telemetry = telemetry;
        try {
            this.rules = config.enabled() ? ReloadingRules.open(config.rules(), config.reloadInterval()) : null;
            this.audit = config.enabled() ? SafetyAudit.open(config.auditLog()) : null;
        } catch (IllegalArgumentException e) {
            String setting = e.getMessage().startsWith("safety.") ? "" : "safety.rules: ";
            throw new InvalidInputException(setting.isEmpty() ? "safety.audit-log" : "safety.rules",
                    setting + e.getMessage());
        }
    }

    /**
     * Creates the screen a server applies; with no rules file it lets everything through.
     *
     * @throws InvalidInputException naming the setting and the file when the rules cannot be read or parsed, or
     *                               the audit log cannot be opened
     */
    static ContentSafety create(SafetyConfig config, Telemetry telemetry) {
        return new ContentSafety(config, telemetry);
    }

    /**
     * Returns the policy for one request: the server's configured policy, with the request's tenant's own
     * content policy laid over it (see {@link ContentPolicy#with}).
     */
    ContentPolicy policyFor(ServiceRequestContext ctx) {
        Tenant tenant = Tenant.of(ctx);
        return tenant == null ? config.policy() : config.policy().with(tenant.contentPolicy());
    }

    /**
     * Screens one request's input.
     *
     * @param ctx    the request, or null outside one (the default policy applies)
     * @param input  the text or SSML document as sent
     * @param format how the input is to be read
     * @return what to do to the audio
     * @throws ApiException 422 {@code content_blocked} when the policy refuses a category found in the input
     */
    Screening screen(ServiceRequestContext ctx, String input, TextOptions.Format format) {
        if (rules == null || input == null || input.isEmpty()) {
            return PASS;
        }
        ScanResult scan = rules.current().scan(sourceText(input, format), config.patternTimeout());
        if (scan.clean()) {
            return PASS;
        }
        Verdict verdict = Verdict.of(scan, ctx == null ? config.policy() : policyFor(ctx), config.failClosed());
        record(ctx, input, verdict);
        List<String> blocked = verdict.blockedCategories();
        if (!blocked.isEmpty()) {
            throw ApiException.contentBlocked(blocked);
        }
        List<int[]> masked = verdict.maskedSpans();
        return masked.isEmpty() ? PASS : new Screening(input, masked, config.mask());
    }

    private void record(ServiceRequestContext ctx, String input, Verdict verdict) {
        String requestId = ctx == null ? null : ctx.id().text();
        String tenant = ctx == null ? Telemetry.ANONYMOUS : telemetry.tenant(ctx);
        String now = Instant.now().toString();
        for (Verdict.Decision d : verdict.decisions()) {
            Counter.builder("chorus.safety.decisions").tag("category", d.finding().category())
                    .tag("action", d.action().id())
                    .description("Content-rule matches, by category and the action the policy took")
                    .register(telemetry.registry()).increment();
            ObjectNode line = SafetyAudit.line();
            line.put("time", now);
            line.put("request_id", requestId);
            line.put("tenant", tenant);
            line.put("rule", d.finding().ruleId());
            line.put("category", d.finding().category());
            line.put("action", d.action().id());
            line.put("start", d.finding().sourceStart());
            line.put("end", d.finding().sourceEnd());
            if (d.finding().timedOut()) {
                line.put("timed_out", true);
            }
            if (config.auditIncludeText() && !d.finding().timedOut()) {
                line.put("text", input.substring(d.finding().sourceStart(), d.finding().sourceEnd()));
            }
            audit.write(line);
        }
    }

    /** Returns the text the rules read: the input itself, or an SSML document's text content. */
    static SourceText sourceText(String input, TextOptions.Format format) {
        boolean ssml = format == TextOptions.Format.SSML
                || (format == TextOptions.Format.AUTO && SsmlParser.looksLikeSsml(input));
        if (!ssml) {
            return SourceText.plain(input);
        }
        SsmlDocument doc;
        try {
            doc = SSML.parse(input);
        } catch (RuntimeException invalid) {
            // Synthesis will refuse the document with its own message; until then, read it as it stands.
            return SourceText.plain(input);
        }
        SourceText.Builder b = SourceText.builder(input.length());
        int last = 0;
        for (Segment s : doc.segments()) {
            switch (s) {
                case Segment.Text t -> {
                    b.append(t.text(), t.sourceStart(), t.sourceEnd());
                    last = t.sourceEnd();
                }
                case Segment.Break br -> b.separator(' ', br.sourceStart());
                case Segment.Boundary ignored -> b.separator('\n', last);
                case Segment.Mark ignored -> {
                    // A mark is not spoken and does not split a word.
                }
            }
        }
        return b.build();
    }

    @Override
    public void close() {
        if (audit != null) {
            audit.close();
        }
    }

    /**
     * What screening asks of one request's audio.
     *
     * @param input  the request's input, or null when nothing is masked
     * @param masked the input spans to mask; empty when the audio is left alone
     * @param sound  what masked words sound like, or null when nothing is masked
     */
    record Screening(String input, List<int[]> masked, dev.chorus.safety.MaskSound sound) {

        /** Tells whether anything in the input is to be masked. */
        boolean masks() {
            return !masked.isEmpty();
        }

        /** Returns {@code listener}, wrapped to mask the audio when anything is masked. */
        SynthesisListener wrap(SynthesisListener listener) {
            return masked.isEmpty() ? listener : new MaskingListener(listener, input, masked, sound);
        }
    }
}
