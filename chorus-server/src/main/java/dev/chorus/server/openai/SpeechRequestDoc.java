package dev.chorus.server.openai;

/**
 * The speech route's description in the API docs ({@code /docs}): what the JSON request body holds. The route reads
 * the body itself (to give OpenAI-shaped errors), so the docs cannot find its fields from the method's parameters;
 * {@code /openapi.json} ({@code CreateSpeechRequest}) and docs/api.md describe the same fields at length.
 */
final class SpeechRequestDoc {

    /** Markdown for the {@code POST /v1/audio/speech} method. */
    static final String MARKDOWN = """
            Speaks the input text or SSML (OpenAI-compatible): streams audio bytes, SSE events or speech marks.

            The request body is a JSON object (`Content-Type: application/json`):

            | field | type | |
            |---|---|---|
            | `input` | string, **required** | the text, or an SSML document (starting with `<speak`) |
            | `model` | string | `tts-1`, `tts-1-hd`, `gpt-4o-mini-tts`, or an engine id such as `hmm` or `espeak` |
            | `voice` | string | an OpenAI voice name (`alloy`, `ash`, ...), a Chorus voice id (`espeak:en-us`) \
            or an alias; default: the server's default voice |
            | `response_format` | string | `wav`, `pcm`, `mp3`, `opus`, `flac`, `aac`, `mulaw`, `alaw`, `wav_mulaw`, \
            `wav_alaw` or `json_marks` |
            | `speed` | number | 0.25 to 4.0 |
            | `stream_format` | string | `audio` (the bytes) or `sse` (server-sent events) |
            | `instructions` | string | accepted and ignored |
            | `sample_rate` | integer | 8000 to 48000 Hz; default: the voice's own rate |
            | `language` | string | a BCP 47 tag for reading numbers, dates and units |
            | `pitch`, `volume` | number | semitones (-12 to 12), dB (-60 to 20) |
            | `input_format` | string | `auto`, `text` or `ssml` |
            | `normalize`, `timings`, `cache` | boolean | read numbers as words; timing events with SSE; use the cache |
            | `quality` | boolean | the audio's signal checks at the end: in `speech.audio.done` (SSE), a last `quality` line (`json_marks`), else the trailer `x-chorus-quality`; synthesized fresh, not from the cache |
            | `lexicon` | array | pronunciations for this request |

            Example: `{"model": "tts-1", "input": "Hello from Chorus.", "voice": "alloy", "response_format": "mp3"}`.
            Errors are OpenAI-shaped: `{"error": {"message", "type", "param", "code"}}`. Every field and limit:
            `/openapi.json` (`CreateSpeechRequest`).
            """;

    private SpeechRequestDoc() {
    }
}
