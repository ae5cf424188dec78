package dev.chorus.service.safety;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.service.ApiException;
import dev.chorus.service.Caller;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.ReloadingRules;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.safety.ScanResult;
import dev.chorus.safety.SourceText;
import dev.chorus.safety.Verdict;
import dev.chorus.ssml.Segment;
import dev.chorus.ssml.SsmlDocument;
import dev.chorus.tts.InvalidInputException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
public final class ContentSafety implements AutoCloseable {

    /** What {@link #screen} returns for a request that needs nothing done to its audio. */
    public static final Screening PASS = new Screening(null, List.of(), null);

    /** Who a request without a tenant is, in audit lines. */
    private static final String ANONYMOUS = "anonymous";

    private final SafetyConfig config;
    private final ReloadingRules rules;
    private final SafetyAudit audit;
    private final MeterRegistry meters;

    private ContentSafety(SafetyConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
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
    public static ContentSafety create(SafetyConfig config, MeterRegistry meters) {
        return new ContentSafety(config, meters);
    }

    /** Tells whether any rules are loaded: without them every input passes, unmasked and unrecorded. */
    public boolean screens() {
        return rules != null;
    }

    /**
     * Returns the policy for one request: the server's configured policy, with the request's tenant's own
     * content policy laid over it (see {@link ContentPolicy#with}).
     */
    public ContentPolicy policyFor(Caller caller) {
        Map<String, String> own = caller.contentPolicy();
        return own.isEmpty() ? config.policy() : config.policy().with(own);
    }

    /**
     * Screens one request's input.
     *
     * @param caller who asks (their tenant's policy is laid over the server's)
     * @param speech the prepared request: its text, or its parsed SSML document's text content, is read
     * @return what to do to the audio
     * @throws ApiException 422 {@code content_blocked} when the policy refuses a category found in the input
     */
    public Screening screen(Caller caller, PreparedSpeech speech) {
        String input = speech.input().text();
        if (rules == null || input.isEmpty()) {
            return PASS;
        }
        ScanResult scan = rules.current().scan(sourceText(input, speech.parsed().ssml()), config.patternTimeout());
        if (scan.clean()) {
            return PASS;
        }
        Verdict verdict = Verdict.of(scan, policyFor(caller), config.failClosed());
        record(caller, input, verdict);
        List<String> blocked = verdict.blockedCategories();
        if (!blocked.isEmpty()) {
            throw ApiException.contentBlocked(blocked);
        }
        List<int[]> masked = verdict.maskedSpans();
        return masked.isEmpty() ? PASS : new Screening(input, masked, config.mask());
    }

    private void record(Caller caller, String input, Verdict verdict) {
        String requestId = caller.requestId();
        String tenant = caller.tenant() == null ? ANONYMOUS : caller.tenant();
        String now = Instant.now().toString();
        for (Verdict.Decision d : verdict.decisions()) {
            Counter.builder("chorus.safety.decisions").tag("category", d.finding().category())
                    .tag("action", d.action().id())
                    .description("Content-rule matches, by category and the action the policy took")
                    .register(meters).increment();
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

    /** Returns the text the rules read: the input itself, or its parsed SSML document's text content. */
    static SourceText sourceText(String input, SsmlDocument doc) {
        if (doc == null) {
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

    /**
     * Returns the categories the content rules find in a request's input (its text, or its SSML document's text
     * content), whatever the policy does with them; nothing is recorded. Empty when no rules are set.
     */
    public java.util.Set<String> inputCategories(PreparedSpeech speech) {
        String input = speech.input().text();
        if (rules == null || input.isEmpty()) {
            return java.util.Set.of();
        }
        ScanResult scan = rules.current().scan(sourceText(input, speech.parsed().ssml()), config.patternTimeout());
        java.util.Set<String> out = new java.util.TreeSet<>();
        scan.findings().forEach(f -> out.add(f.category()));
        return java.util.Set.copyOf(out);
    }

    /** Tells whether content rules are set (without them, audio cannot contradict the input). */
    public boolean enabled() {
        return rules != null;
    }

    /**
     * Screens what the audio was heard to say with the same rules and policy as the input. A finding in a
     * category the input did not trigger is a speech mismatch: each is written to the audit log as an event
     * {@code speech_mismatch} (with the voice; with the heard words when the audit includes text) and counted in
     * {@code chorus_safety_speech_mismatches_total{category, action}}.
     *
     * @param caller          who asked (their tenant's policy applies)
     * @param inputCategories the categories the input triggered ({@link #inputCategories})
     * @param transcript      the words heard
     * @param voice           the voice id and version that spoke, for the audit line
     * @return the mismatch; {@link SpeechMismatch#NONE} when the audio said nothing the input did not
     */
    public SpeechMismatch screenTranscript(Caller caller, java.util.Set<String> inputCategories, String transcript,
                                           String voice) {
        if (rules == null || transcript.isBlank()) {
            return SpeechMismatch.NONE;
        }
        ScanResult scan = rules.current().scan(SourceText.plain(transcript), config.patternTimeout());
        Verdict verdict = Verdict.of(scan, policyFor(caller), config.failClosed());
        java.util.Set<String> categories = new java.util.TreeSet<>();
        boolean refuses = false;
        String now = Instant.now().toString();
        for (Verdict.Decision d : verdict.decisions()) {
            if (inputCategories.contains(d.finding().category())) {
                continue;
            }
            categories.add(d.finding().category());
            refuses |= d.action() != dev.chorus.safety.Action.LOG;
            Counter.builder("chorus.safety.speech.mismatches").tag("category", d.finding().category())
                    .tag("action", d.action().id())
                    .description("Content-rule matches in what the audio said that its input text did not have")
                    .register(meters).increment();
            ObjectNode line = SafetyAudit.line();
            line.put("time", now);
            line.put("event", "speech_mismatch");
            line.put("request_id", caller.requestId());
            line.put("tenant", caller.tenant() == null ? ANONYMOUS : caller.tenant());
            line.put("voice", voice);
            line.put("rule", d.finding().ruleId());
            line.put("category", d.finding().category());
            line.put("action", d.action().id());
            if (config.auditIncludeText() && !d.finding().timedOut()) {
                line.put("heard", transcript.substring(d.finding().sourceStart(), d.finding().sourceEnd()));
            }
            audit.write(line);
        }
        return categories.isEmpty() ? SpeechMismatch.NONE : new SpeechMismatch(List.copyOf(categories), refuses);
    }

    /**
     * What the audio said that its input did not.
     *
     * @param categories the content categories found in the audio but not in the input, sorted
     * @param refuses    whether the policy blocks or masks one of them (a strict back-check then refuses)
     */
    public record SpeechMismatch(List<String> categories, boolean refuses) {

        /** No mismatch. */
        public static final SpeechMismatch NONE = new SpeechMismatch(List.of(), false);

        /** Tells whether anything was found. */
        public boolean found() {
            return !categories.isEmpty();
        }
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
    public record Screening(String input, List<int[]> masked, dev.chorus.safety.MaskSound sound) {

        /** Tells whether anything in the input is to be masked. */
        public boolean masks() {
            return !masked.isEmpty();
        }

        /** Returns {@code listener}, wrapped to mask the audio when anything is masked. */
        public SynthesisListener wrap(SynthesisListener listener) {
            return masked.isEmpty() ? listener : new MaskingListener(listener, input, masked, sound);
        }
    }
}
