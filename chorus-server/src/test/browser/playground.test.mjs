// Drives the Chorus playground in headless Chromium against a running Chorus server.
// Environment: CHORUS_URL (the server's origin), CHROMIUM (the browser program), SCREENSHOT_DIR (where PNGs go),
// ESPEAK ("1" when the espeak engine is installed). Exits non-zero on the first failed check.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const origin = (process.env.CHORUS_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = process.env.SCREENSHOT_DIR || '.';
const espeak = process.env.ESPEAK === '1';
const started = Date.now();
const results = [];

function check(name, ok, detail = '') {
  results.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  if (!ok) throw new Error(`check failed: ${name}${detail ? `: ${detail}` : ''}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'chorus-chromium-'));
mkdirSync(shots, { recursive: true });
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
  viewport: { width: 1100, height: 900 },
  timeout: 30000,
});

let failed = false;
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(20000);
  const consoleErrors = [];
  let allowedErrors = /^$/;
  page.on('console', (m) => {
    if (m.type() === 'error' && !allowedErrors.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  const foreign = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });

  // Loads, lists voices grouped by language and engine.
  const response = await page.goto(`${origin}/`);
  check('page answers 200 with HTML', response.status() === 200
    && response.headers()['content-type'].startsWith('text/html'), `${response.status()} ${response.headers()['content-type']}`);
  await page.waitForFunction(() => document.querySelectorAll('#voice optgroup').length > 0);
  const groups = await page.$$eval('#voice optgroup', (gs) => gs.map((g) => g.label));
  check('voices listed in groups of language · engine', groups.some((g) => /^en-US · hmm$/.test(g)), groups.join(' | '));
  const voiceCount = await page.$$eval('#voice option', (os) => os.filter((o) => o.value).length);
  check('voice count shown', (await page.textContent('#voice-count')).includes(`${voiceCount} of ${voiceCount}`));
  const formats = await page.$$eval('#format option', (os) => os.map((o) => o.value));
  check('formats from /v1/models', formats.includes('mp3') && formats.includes('wav'), formats.join(','));

  // Search narrows the list.
  const query = espeak ? 'espeak:en-us' : 'hmm';
  await page.fill('#voice-search', query);
  const matching = await page.$$eval('#voice option', (os) => os.filter((o) => o.value).map((o) => o.value));
  check(`search "${query}" filters the voices`, matching.length > 0 && matching.length < voiceCount
    && matching.every((v) => v.includes(query)), matching.join(','));
  await page.fill('#voice-search', '');

  // Keyboard: Tab reaches the text box and the Speak button, with a visible focus ring.
  await page.focus('body');
  const reached = new Set();
  for (let i = 0; i < 40 && !(reached.has('text') && reached.has('speak')); i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement && document.activeElement.id));
  }
  check('Tab reaches the text box and Speak', reached.has('text') && reached.has('speak'), [...reached].join(','));
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check('focused control shows an outline', outline !== 'none', outline);
  const unlabelled = await page.$$eval('input, select, textarea', (cs) => cs.filter((c) => !c.labels || c.labels.length === 0).map((c) => c.id));
  check('every control has a label', unlabelled.length === 0, unlabelled.join(','));

  async function synthesize(voice, text) {
    await page.selectOption('#voice', voice);
    await page.fill('#text', text);
    const t0 = Date.now();
    await page.click('#speak');
    // Samples the highlighted word until synthesis is done and for up to 1.5 s of the playback after it.
    const highlighted = new Set();
    const deadline = Date.now() + 30000;
    let doneAt = 0;
    while (Date.now() < deadline) {
      const active = await page.$$eval('#transcript .word.active', (ws) => ws.map((w) => w.textContent));
      active.forEach((w) => highlighted.add(w));
      if (!doneAt && ((await page.textContent('#status')).startsWith('Done') || !(await page.isHidden('#error')))) {
        doneAt = Date.now();
      }
      if (doneAt && (Date.now() - doneAt > 1500 || highlighted.size >= 2 || !(await page.isHidden('#error')))) break;
      await page.waitForTimeout(25);
    }
    const error = await page.isHidden('#error') ? '' : await page.textContent('#error');
    check(`synthesis with ${voice || 'the default voice'} succeeds`, !error, error);
    const ttfa = await page.textContent('#ttfa');
    const total = await page.textContent('#total');
    const rtf = await page.textContent('#rtf');
    check('time to first audio, total time and real-time factor shown', /s$/.test(ttfa) && /s$/.test(total)
      && Number(rtf) > 0, `ttfa ${ttfa}, total ${total}, rtf ${rtf}`);
    if (text.split('. ').length > 1) {
      check('audio started before synthesis ended', parseFloat(ttfa) < parseFloat(total), `${ttfa} < ${total}`);
    }
    const duration = await page.waitForFunction(() => {
      const a = document.getElementById('audio');
      return a.src && a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : null;
    }).then((h) => h.jsonValue());
    check('the audio element holds the recording with a plausible duration', duration > 1 && duration < 10,
      `${duration.toFixed(2)} s`);
    const words = await page.$$eval('#transcript .word', (ws) => ws.map((w) => w.textContent));
    check('word timings become spans of the text', words.length >= text.split(' ').length - 2, words.join(' '));
    return { ms: Date.now() - t0, ttfa, total, rtf, duration, highlighted: [...highlighted] };
  }

  if (espeak) {
    const r = await synthesize('espeak:en-us', 'The quick brown fox jumps over the lazy dog. Then it rests in the warm sun.');
    check('words are highlighted while the audio plays', r.highlighted.length > 0, r.highlighted.join(','));
    console.log(`espeak: ${JSON.stringify(r)}`);
  } else {
    console.log('NOTE: espeak engine not installed; only the default voice is tried');
  }
  // The SSML example speaks, with its words shown without the markup.
  if (espeak) {
    await page.click('#example-ssml');
    await page.selectOption('#voice', 'espeak:en-us');
    await page.click('#speak');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Done')
      || !document.getElementById('error').hidden);
    const words = await page.$$eval('#transcript .word', (ws) => ws.map((w) => w.textContent).join(' '));
    check('the SSML example speaks', await page.isHidden('#error') && words.includes('Chorus') && !words.includes('<'), words);
  }

  // The API key is remembered in the browser when asked to.
  await page.click('#key-box summary');
  await page.fill('#api-key', 'test-key');
  await page.check('#remember-key');
  check('the API key is remembered', await page.evaluate(() => localStorage.getItem('chorus.playground.apiKey')) === 'test-key');
  await page.uncheck('#remember-key');
  await page.fill('#api-key', '');
  check('the API key is forgotten', await page.evaluate(() => localStorage.getItem('chorus.playground.apiKey')) === null);

  const d = await synthesize('', 'Hello from the Chorus playground.');
  console.log(`default voice: ${JSON.stringify(d)}`);
  if (!espeak) check('words are highlighted while the audio plays', d.highlighted.length > 0, d.highlighted.join(','));

  // The download button gives the streamed audio as a WAV file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  check('download offers a file', /^chorus\./.test(download.suggestedFilename()), download.suggestedFilename());
  await page.screenshot({ path: join(shots, 'playground.png'), fullPage: true });

  // An API error is shown in the alert.
  allowedErrors = /status of 400/;
  await page.fill('#text', '');
  await page.click('#speak');
  await page.waitForSelector('#error:not([hidden])');
  const alert = await page.textContent('[role=alert]');
  check('an API error is shown in role=alert', /^Error 400: .+/.test(alert), alert);
  allowedErrors = /^$/;

  // Phone width: no horizontal scrolling.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForTimeout(100);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check('no horizontal scroll at 375 px', overflow <= 0, `${overflow} px too wide`);
  await page.screenshot({ path: join(shots, 'playground-phone.png'), fullPage: true });

  // The API docs: rendered from this server alone (no web fonts from the internet), the speech route listed.
  await page.setViewportSize({ width: 1100, height: 900 });
  const docs = await page.goto(`${origin}/docs/`);
  check('docs answer 200 with HTML', docs.status() === 200, `${docs.status()}`);
  await page.waitForFunction(() => document.body.innerText.includes('OpenAiSpeechService'), null, { timeout: 30000 });
  check('docs list the speech route', (await page.innerText('body')).includes('OpenAiSpeechService'));
  await page.screenshot({ path: join(shots, 'docs.png') });

  check('no console errors', consoleErrors.length === 0, consoleErrors.join(' | '));
  check('no request left the server', foreign.length === 0, foreign.join(', '));
} catch (e) {
  failed = true;
  console.error(e.stack || String(e));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
console.log(`playground browser test: ${passed} checks passed, ${failed ? 1 : 0} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
