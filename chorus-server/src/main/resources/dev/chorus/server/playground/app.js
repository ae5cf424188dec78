// Chorus playground: streams speech over server-sent events as 16-bit PCM, plays each chunk with the Web Audio API
// as soon as it arrives, and highlights words from the server's speech.timing events.

const EXAMPLE_TEXT = 'Hello from Chorus. It costs $5 on 11/25/2026, and the first sentence plays while the rest is made.';
const EXAMPLE_SSML = '<speak>\n  <s>Hello from <emphasis>Chorus</emphasis>.</s>\n  <break time="300ms"/>\n' +
  '  <s><prosody rate="slow">This part is slower.</prosody></s>\n  <mark name="end"/>\n</speak>';
const KEY_STORE = 'chorus.playground.apiKey';

const $ = (id) => document.getElementById(id);
const el = {
  form: $('form'), text: $('text'), inputFormat: $('input-format'), search: $('voice-search'), voice: $('voice'),
  voiceCount: $('voice-count'), format: $('format'), rate: $('sample-rate'), speed: $('speed'),
  speedValue: $('speed-value'), key: $('api-key'), remember: $('remember-key'), keyBox: $('key-box'),
  speak: $('speak'), stop: $('stop'), download: $('download'), error: $('error'), status: $('status'),
  ttfa: $('ttfa'), total: $('total'), audioLength: $('audio-length'), rtf: $('rtf'), transcript: $('transcript'),
  audio: $('audio'),
};

let voices = [];
let sampleRates = {};
let run = null;

function status(text) { el.status.textContent = text; }

function showError(text) {
  el.error.textContent = text;
  el.error.hidden = false;
}

function clearError() {
  el.error.textContent = '';
  el.error.hidden = true;
}

function authHeaders() {
  const key = el.key.value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Turns an error response into one readable line, from OpenAI's {"error":{...}} shape when it has it. */
async function apiError(response) {
  let text = '';
  try { text = await response.text(); } catch { /* the body is optional */ }
  let message = text.trim() || response.statusText || 'no details';
  try {
    const e = JSON.parse(text).error;
    if (e && e.message) {
      message = e.message;
      const extra = [e.code, e.param && `param: ${e.param}`].filter(Boolean).join(', ');
      if (extra) message += ` (${extra})`;
    }
  } catch { /* not JSON */ }
  let line = `Error ${response.status}: ${message}`;
  if (response.status === 401 || response.status === 403) {
    line += '\nEnter a valid API key under "API key".';
    el.keyBox.open = true;
  }
  return line;
}

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json', ...authHeaders() } });
  if (!r.ok) throw new Error(await apiError(r));
  return r.json();
}

// ---- voices, formats, sample rates ----

function voiceText(v) {
  return [v.id, v.name, v.language, v.engine, v.gender, ...(v.aliases || [])].join(' ').toLowerCase();
}

function renderVoices() {
  const query = el.search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const selected = el.voice.value;
  const groups = new Map();
  let shown = 0;
  for (const v of voices) {
    const text = voiceText(v);
    if (!query.every((q) => text.includes(q))) continue;
    const label = `${v.language} · ${v.engine}`;
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(v);
    shown++;
  }
  const options = [new Option('Default voice', '')];
  for (const label of [...groups.keys()].sort((a, b) => a.localeCompare(b))) {
    const group = document.createElement('optgroup');
    group.label = label;
    for (const v of groups.get(label)) {
      const aliases = v.aliases && v.aliases.length ? ` — ${v.aliases.join(', ')}` : '';
      const o = new Option(`${v.name} (${v.id}, ${v.gender}, ${v.sample_rate} Hz)${aliases}`, v.id);
      if (v.status && v.status !== 'ok') {
        o.disabled = true;
        o.textContent += ' — failed to load';
      }
      group.append(o);
    }
    options.push(group);
  }
  el.voice.replaceChildren(...options);
  el.voice.value = [...el.voice.options].some((o) => o.value === selected) ? selected : '';
  if (query.length && shown && !el.voice.value) el.voice.value = groups.values().next().value[0].id;
  el.voiceCount.textContent = `${shown} of ${voices.length} voices shown`;
  renderRates();
}

function renderFormats(formats) {
  const keep = el.format.value || 'wav';
  el.format.replaceChildren(...formats.filter((f) => f !== 'json_marks').map((f) => new Option(f, f)));
  el.format.value = formats.includes(keep) ? keep : el.format.options[0].value;
}

function renderRates() {
  const keep = el.rate.value;
  const v = voices.find((x) => x.id === el.voice.value);
  const rates = sampleRates[el.format.value] || [];
  const first = new Option(v ? `the voice's rate (${v.sample_rate} Hz)` : "the voice's rate", '');
  el.rate.replaceChildren(first, ...rates.map((r) => new Option(`${r} Hz`, String(r))));
  el.rate.value = rates.map(String).includes(keep) ? keep : '';
}

async function loadCatalog() {
  try {
    const [v, m] = await Promise.all([getJson('/v1/voices'), getJson('/v1/models')]);
    voices = (v.data || []).slice().sort((a, b) => a.language.localeCompare(b.language)
      || a.engine.localeCompare(b.engine) || a.name.localeCompare(b.name));
    const caps = (m.data && m.data[0] && m.data[0].capabilities) || {};
    sampleRates = caps.sample_rates || {};
    renderFormats(caps.response_formats || ['wav', 'pcm']);
    if (caps.speed_min) el.speed.min = caps.speed_min;
    if (caps.speed_max) el.speed.max = caps.speed_max;
    if (caps.max_input_chars) el.text.maxLength = caps.max_input_chars;
    renderVoices();
    status(`${voices.length} voices. Ready.`);
  } catch (e) {
    showError(`Could not load the voices: ${e.message}`);
    status('Voices unavailable.');
  }
}

// ---- audio helpers ----

function wavBlob(pcmChunks, rate) {
  const bytes = pcmChunks.reduce((n, c) => n + c.byteLength, 0);
  const header = new DataView(new ArrayBuffer(44));
  const ascii = (at, s) => { for (let i = 0; i < s.length; i++) header.setUint8(at + i, s.charCodeAt(i)); };
  ascii(0, 'RIFF'); header.setUint32(4, 36 + bytes, true); ascii(8, 'WAVE');
  ascii(12, 'fmt '); header.setUint32(16, 16, true); header.setUint16(20, 1, true); header.setUint16(22, 1, true);
  header.setUint32(24, rate, true); header.setUint32(28, rate * 2, true); header.setUint16(32, 2, true);
  header.setUint16(34, 16, true); ascii(36, 'data'); header.setUint32(40, bytes, true);
  return new Blob([header.buffer, ...pcmChunks], { type: 'audio/wav' });
}

function base64Bytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

// ---- transcript ----

function buildTranscript(input, words, ssml) {
  const parts = [];
  let at = 0;
  const sorted = words.slice().sort((a, b) => a.start - b.start);
  for (const w of sorted) {
    if (ssml) {
      if (parts.length) parts.push(document.createTextNode(' '));
    } else if (w.start >= at) {
      parts.push(document.createTextNode(input.slice(at, w.start)));
    } else {
      continue;
    }
    const span = document.createElement('span');
    span.className = 'word';
    span.textContent = ssml ? w.value : input.slice(w.start, w.end);
    w.span = span;
    parts.push(span);
    at = Math.max(at, w.end);
  }
  if (!ssml) parts.push(document.createTextNode(input.slice(at)));
  el.transcript.replaceChildren(...parts);
}

function highlight(words, t) {
  let current = null;
  for (const w of words) {
    if (w.at !== undefined && w.at <= t) current = w;
  }
  for (const w of words) {
    if (w.span) w.span.classList.toggle('active', w === current);
  }
}

// ---- synthesis ----

class Run {
  constructor(body) {
    this.body = body;
    this.abort = new AbortController();
    this.ctx = new AudioContext();
    this.pcm = [];
    this.chunks = []; // {first: sample index, count, when: AudioContext time}
    this.samples = 0;
    this.words = [];
    this.nextTime = 0;
    this.carry = null;
    this.rate = 0;
    this.done = false;
    this.downloads = new Map();
  }

  async start() {
    const t0 = performance.now();
    this.t0 = t0;
    const response = await fetch('/v1/audio/speech', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() },
      // pcm defaults to 24 kHz (OpenAI's rate); ask for the voice's own rate when that is what the form says.
      body: JSON.stringify({ sample_rate: this.body.sample_rate || selectedVoiceRate(), ...this.body,
        response_format: 'pcm', stream_format: 'sse', timings: true }),
      signal: this.abort.signal,
    });
    if (!response.ok) throw new Error(await apiError(response));
    this.rate = Number(response.headers.get('x-chorus-sample-rate')) || 24000;
    this.voice = response.headers.get('x-chorus-voice') || '';
    const warnings = response.headers.get('x-chorus-warnings');
    if (warnings) status(`Warnings: ${warnings}`);
    requestAnimationFrame(() => this.tick());
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (data) this.onEvent(JSON.parse(data));
      }
    }
    if (!this.finished) throw new Error('The stream ended before the audio was done.');
    this.totalMs = performance.now() - t0;
  }

  onEvent(e) {
    if (e.type === 'speech.audio.delta') {
      this.onAudio(base64Bytes(e.audio));
    } else if (e.type === 'speech.timing') {
      if (e.kind === 'word') {
        this.words.push(e);
        buildTranscript(this.body.input, this.words, this.ssml);
      }
    } else if (e.type === 'speech.audio.done') {
      this.finished = true;
    } else if (e.type === 'error') {
      const err = e.error || {};
      throw new Error(`Error during synthesis: ${err.message || 'unknown'}${err.code ? ` (${err.code})` : ''}`);
    }
  }

  onAudio(bytes) {
    if (this.carry) {
      const joined = new Uint8Array(this.carry.length + bytes.length);
      joined.set(this.carry);
      joined.set(bytes, this.carry.length);
      bytes = joined;
      this.carry = null;
    }
    const even = bytes.length & ~1;
    if (even < bytes.length) this.carry = bytes.slice(even);
    if (even === 0) return;
    const pcm = bytes.slice(0, even);
    this.pcm.push(pcm);
    const view = new DataView(pcm.buffer);
    const n = even / 2;
    const buffer = this.ctx.createBuffer(1, n, this.rate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < n; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.ctx.destination);
    const when = Math.max(this.nextTime, this.ctx.currentTime + 0.05);
    source.start(when);
    this.lastSource = source;
    this.chunks.push({ first: this.samples, count: n, when });
    this.samples += n;
    this.nextTime = when + n / this.rate;
    if (this.firstAudioMs === undefined) {
      this.firstAudioMs = performance.now() - this.t0;
      el.ttfa.textContent = seconds(this.firstAudioMs);
      status(`Playing while synthesizing${this.voice ? ` with ${this.voice}` : ''}…`);
    }
    el.audioLength.textContent = seconds(this.samples / this.rate * 1000);
  }

  /** Maps a word's sample offset to the AudioContext time its chunk plays it. */
  placeWords() {
    for (const w of this.words) {
      if (w.at !== undefined) continue;
      const offset = w.sample_offset ?? Math.round(w.time / 1000 * this.rate);
      const chunk = this.chunks.find((c) => offset >= c.first && offset < c.first + c.count);
      if (chunk) w.at = chunk.when + (offset - chunk.first) / this.rate;
    }
  }

  tick() {
    if (this.stopped) return;
    this.placeWords();
    highlight(this.words, this.ctx.currentTime);
    const playing = this.ctx.currentTime < this.nextTime && performance.now() < this.playUntil;
    if (!this.done || playing) {
      requestAnimationFrame(() => this.tick());
    } else {
      highlight(this.words, -1);
      this.ctx.close().catch(() => {});
    }
  }

  finish() {
    this.done = true;
    this.playUntil = performance.now() + (Math.max(0, this.nextTime - this.ctx.currentTime) + 1) * 1000;
  }

  stop() {
    this.stopped = true;
    this.abort.abort();
    this.ctx.close().catch(() => {});
    highlight(this.words, -1);
  }

  /** Returns the audio in the chosen format: built from the streamed PCM for wav and pcm, else asked for again. */
  async download(format) {
    if (format === 'wav' || format === 'pcm') {
      if (!this.body.sample_rate || this.body.sample_rate === this.rate) {
        return format === 'wav' ? wavBlob(this.pcm, this.rate) : new Blob(this.pcm, { type: 'audio/pcm' });
      }
    }
    if (!this.downloads.has(format)) {
      const r = await fetch('/v1/audio/speech', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeaders() },
        body: JSON.stringify({ ...this.body, response_format: format }),
      });
      if (!r.ok) throw new Error(await apiError(r));
      this.downloads.set(format, await r.blob());
    }
    return this.downloads.get(format);
  }
}

/** Returns the chosen voice's own sample rate, or undefined for the default voice. */
function selectedVoiceRate() {
  const v = voices.find((x) => x.id === el.voice.value);
  return v ? v.sample_rate : undefined;
}

function requestBody() {
  const body = { input: el.text.value, input_format: el.inputFormat.value, speed: Number(el.speed.value) };
  if (el.voice.value) body.voice = el.voice.value;
  if (el.rate.value) body.sample_rate = Number(el.rate.value);
  return body;
}

function looksLikeSsml(body) {
  return body.input_format === 'ssml' || (body.input_format === 'auto' && /^\s*(<\?xml[^>]*>\s*)?<speak[\s>/]/.test(body.input));
}

async function speak(event) {
  event.preventDefault();
  if (run) run.stop();
  clearError();
  for (const id of ['ttfa', 'total', 'audioLength', 'rtf']) el[id].textContent = '–';
  el.transcript.replaceChildren();
  if (el.audio.src) {
    URL.revokeObjectURL(el.audio.src);
    el.audio.removeAttribute('src');
    el.audio.load();
  }
  const body = requestBody();
  const current = new Run(body);
  current.ssml = looksLikeSsml(body);
  run = current;
  el.speak.disabled = true;
  el.stop.disabled = false;
  el.download.disabled = true;
  status('Synthesizing…');
  try {
    await current.start();
    current.finish();
    const audioMs = current.samples / current.rate * 1000;
    el.total.textContent = seconds(current.totalMs);
    el.audioLength.textContent = seconds(audioMs);
    el.rtf.textContent = audioMs > 0 ? (current.totalMs / audioMs).toFixed(3) : '–';
    el.audio.src = URL.createObjectURL(wavBlob(current.pcm, current.rate));
    el.download.disabled = false;
    if (!current.words.length) el.transcript.textContent = current.ssml ? '' : body.input;
    status(`Done: ${seconds(audioMs)} of audio from ${current.voice || 'the default voice'} in ${seconds(current.totalMs)}.`);
  } catch (e) {
    if (current.stopped) {
      status('Stopped.');
    } else {
      current.stop();
      showError(e.message || String(e));
      status('Failed.');
    }
  } finally {
    if (run === current) {
      el.speak.disabled = false;
      el.stop.disabled = true;
    }
  }
}

async function download() {
  if (!run) return;
  const format = el.format.value;
  el.download.disabled = true;
  status(`Preparing ${format}…`);
  try {
    const blob = await run.download(format);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `chorus.${format.startsWith('wav') ? 'wav' : format === 'opus' ? 'ogg' : format}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    status(`Downloaded ${a.download}.`);
  } catch (e) {
    showError(e.message || String(e));
  } finally {
    el.download.disabled = false;
  }
}

function followAudioElement() {
  if (!run || !run.done) return;
  const words = run.words;
  for (const w of words) w.fileAt = (w.sample_offset ?? w.time / 1000 * run.rate) / run.rate;
  const t = el.audio.paused && el.audio.currentTime === 0 ? -1 : el.audio.currentTime;
  let current = null;
  for (const w of words) if (w.fileAt <= t) current = w;
  for (const w of words) if (w.span) w.span.classList.toggle('active', w === current);
}

// ---- wiring ----

el.form.addEventListener('submit', speak);
el.stop.addEventListener('click', () => {
  if (run) run.stop();
  status('Stopped.');
  el.speak.disabled = false;
  el.stop.disabled = true;
});
el.download.addEventListener('click', download);
$('example-text').addEventListener('click', () => { el.text.value = EXAMPLE_TEXT; el.inputFormat.value = 'auto'; el.text.focus(); });
$('example-ssml').addEventListener('click', () => { el.text.value = EXAMPLE_SSML; el.inputFormat.value = 'auto'; el.text.focus(); });
el.search.addEventListener('input', renderVoices);
el.voice.addEventListener('change', renderRates);
el.format.addEventListener('change', renderRates);
el.speed.addEventListener('input', () => { el.speedValue.textContent = `${Number(el.speed.value).toFixed(2)}×`; });
el.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) el.form.requestSubmit();
});
el.audio.addEventListener('timeupdate', followAudioElement);
el.audio.addEventListener('seeked', followAudioElement);

try {
  const saved = localStorage.getItem(KEY_STORE);
  if (saved) {
    el.key.value = saved;
    el.remember.checked = true;
  }
} catch { /* storage may be off */ }
const saveKey = () => {
  try {
    if (el.remember.checked && el.key.value.trim()) localStorage.setItem(KEY_STORE, el.key.value.trim());
    else localStorage.removeItem(KEY_STORE);
  } catch { /* storage may be off */ }
};
el.remember.addEventListener('change', saveKey);
el.key.addEventListener('change', () => {
  saveKey();
  loadCatalog(); // With tenants the catalog needs a key: load it again with the one just entered.
});

loadCatalog();
