// Calls a real Chorus server as client programs do: OpenAI's official Node SDK on the OpenAI routes, and grpc-js
// with tts.proto loaded on its own from the published folder (PROTO_DIR). Writes each format's audio to OUT_DIR
// for the Java side to decode with ffmpeg, and prints one JSON line of findings; exits non-zero on a failed check.
import OpenAI from 'openai';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const url = new URL(process.env.CHORUS_URL);
const outDir = process.env.OUT_DIR;
const protoDir = process.env.PROTO_DIR;
const client = new OpenAI({ baseURL: new URL('/v1', url).toString(), apiKey: 'not-needed', maxRetries: 0, timeout: 30000 });
const input = 'Hello from the Node SDK.';
const findings = { formats: {} };

for (const format of ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']) {
  const { data, response, request_id } = await client.audio.speech
    .create({ model: 'gpt-4o-mini-tts', voice: 'marin', input, response_format: format })
    .withResponse();
  const bytes = Buffer.from(await data.arrayBuffer());
  writeFileSync(join(outDir, `speech.${format}`), bytes);
  findings.formats[format] = {
    status: response.status,
    bytes: bytes.length,
    contentType: response.headers.get('content-type'),
    sampleRate: Number(response.headers.get('x-chorus-sample-rate')),
    requestId: request_id,
  };
}

// Streaming: server-sent events, audio deltas then done.
{
  const response = await client.audio.speech.create({
    model: 'tts-1', voice: 'cedar', input, response_format: 'pcm', stream_format: 'sse',
  });
  const text = await response.text();
  const events = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5)));
  const audio = events.filter((e) => e.type === 'speech.audio.delta')
    .reduce((n, e) => n + Buffer.from(e.audio, 'base64').length, 0);
  findings.sse = { deltas: events.filter((e) => e.type === 'speech.audio.delta').length, last: events.at(-1)?.type, pcmBytes: audio };
}

// The request id: the client's own when it sends one.
{
  const { request_id } = await client.audio.speech
    .create({ model: 'tts-1', voice: 'alloy', input: 'Hi.', response_format: 'wav' }, { headers: { 'x-request-id': 'node-trace-7' } })
    .withResponse();
  findings.ownRequestId = request_id;
}

// Errors: the SDK's typed errors, with the request id.
try {
  await client.audio.speech.create({ model: 'tts-1', voice: 'no-such-voice', input: 'Hi.' });
  assert.fail('an unknown voice was accepted');
} catch (e) {
  assert.ok(e instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${e}`);
  findings.voiceError = { status: e.status, code: e.code, param: e.param, requestId: e.requestID };
}
try {
  await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi.', speed: 9 });
  assert.fail('speed 9 was accepted');
} catch (e) {
  assert.ok(e instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${e}`);
  findings.speedError = { status: e.status, param: e.param };
}

// Models: dated snapshots are accepted; an unknown model is a NotFoundError.
findings.snapshot = (await client.models.retrieve('gpt-4o-mini-tts-2025-12-15')).id;
try {
  await client.models.retrieve('whisper-9');
  assert.fail('an unknown model was found');
} catch (e) {
  assert.ok(e instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${e}`);
  findings.modelError = { status: e.status, code: e.code };
}

// gRPC: tts.proto and the google/api files it imports load from the published folder alone.
{
  const definition = protoLoader.loadSync('chorus/tts/v1/tts.proto', { includeDirs: [protoDir], keepCase: true });
  const tts = grpc.loadPackageDefinition(definition).chorus.tts.v1;
  const stub = new tts.TextToSpeech(`${url.hostname}:${url.port}`, grpc.credentials.createInsecure());
  const reply = await new Promise((resolve, reject) => stub.Synthesize(
    { text: 'Hello over gRPC.', voice: 'alloy' }, { deadline: Date.now() + 30000 },
    (err, r) => (err ? reject(err) : resolve(r))));
  findings.grpc = { audioBytes: reply.audio.length, voice: reply.voice, sampleRate: reply.sample_rate };
  stub.close();
}

console.log(JSON.stringify(findings));
