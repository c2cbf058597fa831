// Drives the page of `rtmtap ui` (ui/web/) in Debian's chromium through playwright-core, one
// scenario a run, against a running `rtmtap ui` server:
//
//   node tests/browser/ui-check.mjs --url http://127.0.0.1:PORT/ --scenario NAME [--session ID]
//        [--event NAME] [--seq N] [--text WORD] [--screenshot FILE.png] [--timeout MS]
//        [--chromium /usr/bin/chromium]
//
// Scenarios:
//   sessions  the sessions list: its rows (id, frames, ending); j then Enter opens the first
//   filter    one session, `/` then `--event 'NAME'` Enter: the rows and the total; then a bad
//             filter (--dir sideways) and the error under the bar; Escape leaves the bar; j moves
//   frame     one session, a click on frame --seq: #frame-json parsed, what the copy buttons copied
//   timeline  one session: a close (or else silence) marker clicked: the URL's seq and the selected
//             row; then a drag across the timeline (since/until) and its clearing
//   live      one open session: prints {"waiting":true,...} and waits for a new row (--event: of
//             that name; a frame the caller sends then) without a reload
//   scroll    one (large) session scrolled by wheel, to its middle and to its end: the rows in the
//             DOM, the last row's seq
//   search    #/search with --text WORD: the results; the first opened in its session
//
// Prints one JSON line on stdout (the last line): ok, error, scenario, saw (what the page showed)
// and consoleErrors (the browser's errors and warnings, but for the 400 the bad filter asks for).
// Exit 0 when ok, 1 when a check of the page failed, 2 when it could not run.
import { chromium } from 'playwright-core';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function fail(code, message) {
  print({ ok: false, error: message });
  process.exit(code);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      url: { type: 'string' },
      scenario: { type: 'string' },
      session: { type: 'string' },
      event: { type: 'string' },
      seq: { type: 'string' },
      text: { type: 'string' },
      screenshot: { type: 'string' },
      timeout: { type: 'string', default: '20000' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
    },
  }));
} catch (e) {
  fail(2, `ui-check.mjs: ${e.message}`);
}
if (!options.url || !options.scenario) {
  fail(2, 'ui-check.mjs: --url and --scenario are required');
}
const timeout = Number(options.timeout);

// A failed check of the page: the scenario stops, ok is false, the message says what was seen.
class CheckFailed extends Error {}
function check(condition, message) {
  if (!condition) {
    throw new CheckFailed(message);
  }
}

function needs(name) {
  check(options[name] !== undefined, `--scenario ${options.scenario} needs --${name}`);
  return options[name];
}

// The page at base URL + hash (the token's query kept), loaded.
async function open(tab, hash) {
  const url = new URL(options.url);
  url.hash = hash;
  await tab.goto(url.toString());
  await ready(tab);
}

async function ready(tab) {
  await tab.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout });
}

// Waits for the hash to match pattern (a RegExp source) and the view to be loaded again.
async function hashAndReady(tab, pattern) {
  await tab.waitForFunction((source) => new RegExp(source).test(location.hash) && document.body.dataset.ready === '1',
    pattern, { timeout });
  return tab.evaluate(() => location.hash);
}

const total = (tab) => tab.evaluate(() => Number(document.querySelector('#frame-total').textContent.replace(/\D/g, '')));

// The frame rows in the DOM, in order: seq, name, and whether selected.
const frameRows = (tab) => tab.evaluate(() => [...document.querySelectorAll('.frame-row')].map((row) => ({
  seq: Number(row.dataset.seq),
  session: Number(row.dataset.session),
  name: row.querySelector('.col-name').textContent.trim(),
  selected: row.classList.contains('selected'),
})));

// The rows in the scroll viewport are loaded (no placeholder among them).
async function rowsLoaded(tab) {
  await tab.waitForFunction(() => document.querySelectorAll('.vt-loading').length === 0 &&
    document.querySelectorAll('.frame-row').length > 0, null, { timeout });
}

// The page as it shows; a list that fills only the top of it cut below its last row.
async function screenshot(tab) {
  if (!options.screenshot) {
    return;
  }
  const size = tab.viewportSize();
  const bottom = await tab.evaluate(() => {
    const rows = [...document.querySelectorAll('tr[data-session], .result')];
    return rows.length ? Math.max(...rows.map((r) => r.getBoundingClientRect().bottom)) : Infinity;
  });
  const height = Math.round(Math.min(size.height, Math.max(320, bottom + 140)));
  await tab.screenshot({ path: options.screenshot, clip: { x: 0, y: 0, width: size.width, height } });
}

const scenarios = {
  async sessions(tab) {
    await open(tab, '#/');
    const rows = await tab.evaluate(() => [...document.querySelectorAll('tr[data-session]')].map((tr) => ({
      id: Number(tr.dataset.session),
      frames: Number(tr.querySelector('.col-frames').textContent.replace(/\D/g, '')),
      ending: tr.querySelector('.col-ending').textContent,
      abnormal: tr.classList.contains('abnormal'),
    })));
    check(rows.length > 0, 'no session row (tr[data-session])');
    await screenshot(tab);
    await tab.keyboard.press('j');
    await tab.keyboard.press('Enter');
    const opened = await hashAndReady(tab, '^#/session/\\d+');
    return { rows, openedByKeyboard: opened };
  },

  async filter(tab) {
    const session = needs('session');
    const event = needs('event');
    await open(tab, `#/session/${session}`);
    const before = await total(tab);
    await tab.keyboard.press('/');
    check(await tab.evaluate(() => document.activeElement?.id === 'filter'), '/ did not focus #filter');
    await tab.fill('#filter', `--event '${event}'`);
    await tab.keyboard.press('Enter');
    const hash = await hashAndReady(tab, 'event=');
    await rowsLoaded(tab).catch(() => {});
    const rows = await frameRows(tab);
    const after = await total(tab);
    const bar = await tab.inputValue('#filter');
    await tab.keyboard.press('Escape');
    const leftBar = await tab.evaluate(() => document.activeElement?.id !== 'filter');
    await tab.keyboard.press('j');
    await tab.keyboard.press('j');
    await tab.waitForFunction(() => /[?&]seq=\d+/.test(location.hash), null, { timeout });
    const selected = (await frameRows(tab)).filter((r) => r.selected).map((r) => r.seq);
    await tab.fill('#filter', '--dir sideways');
    await tab.press('#filter', 'Enter');
    await tab.waitForFunction(() => !document.querySelector('#filter-error').hidden &&
      document.body.dataset.ready === '1', null, { timeout });
    const error = await tab.textContent('#filter-error');
    return { before, total: after, hash, bar, names: rows.map((r) => r.name), rowSeqs: rows.map((r) => r.seq),
      leftBar, selectedAfterJJ: selected, secondRow: rows[1]?.seq ?? null, badFilterError: error };
  },

  async frame(tab) {
    const session = needs('session');
    const seq = needs('seq');
    await open(tab, `#/session/${session}`);
    const row = tab.locator(`.frame-row[data-seq="${seq}"]`);
    await row.click({ timeout });
    const hash = await hashAndReady(tab, `[?&]seq=${seq}(&|$)`);
    await tab.waitForFunction(() => document.querySelector('#frame-json').textContent.length > 0, null, { timeout });
    const text = await tab.textContent('#frame-json');
    let json = null;
    try {
      json = JSON.parse(text);
    } catch (e) {
      check(false, `#frame-json is not JSON: ${e.message}: ${text.slice(0, 200)}`);
    }
    await tab.mouse.move(0, 0);
    await screenshot(tab);
    await tab.click('#copy-json');
    await tab.click('#copy-query');
    const copiedJson = await tab.getAttribute('#copy-json', 'data-copied');
    const copiedQuery = await tab.getAttribute('#copy-query', 'data-copied');
    const selected = (await frameRows(tab)).filter((r) => r.selected).map((r) => r.seq);
    return { hash, json, copiedJson, copiedQuery, selected };
  },

  async timeline(tab) {
    const session = needs('session');
    await open(tab, `#/session/${session}`);
    // A close (else a silence) marker that is on top where it is drawn: the client's close and the
    // server's echo a millisecond later can share a pixel, and then only the later one takes a click.
    const marker = await tab.evaluate(() => {
      const onTop = (el) => {
        const box = el.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit && hit.closest('[data-seq]') === el;
      };
      const pick = (kind) => [...document.querySelectorAll(`#timeline .${kind}[data-seq]`)].find(onTop);
      const found = pick('tl-close') || pick('tl-silence');
      return found ? { kind: found.getAttribute('class').split(' ')[0], seq: Number(found.dataset.seq) } : null;
    });
    check(marker, 'the timeline has no close or silence marker');
    const markers = await tab.evaluate(() => Object.fromEntries(['tl-silence', 'tl-close', 'tl-unanswered', 'tl-rtt']
      .map((c) => [c, document.querySelectorAll(`#timeline .${c}[data-seq]`).length])));
    await tab.locator(`#timeline .${marker.kind}[data-seq="${marker.seq}"]`).first().click({ timeout });
    const hash = await hashAndReady(tab, `[?&]seq=${marker.seq}(&|$)`);
    await tab.waitForFunction(() => document.querySelector('.frame-row.selected'), null, { timeout });
    const selected = (await frameRows(tab)).filter((r) => r.selected).map((r) => r.seq);
    const selectedInView = await tab.evaluate(() => {
      const row = document.querySelector('.frame-row.selected').getBoundingClientRect();
      const box = document.querySelector('.vt-scroll').getBoundingClientRect();
      return row.top >= box.top && row.bottom <= box.bottom;
    });

    // A drag across the middle of the plot: since/until in the URL and the bar, fewer frames.
    const before = await total(tab);
    const plot = await tab.locator('#timeline .tl-bg').boundingBox();
    const y = plot.y + plot.height / 2;
    await tab.mouse.move(plot.x + plot.width * 0.2, y);
    await tab.mouse.down();
    await tab.mouse.move(plot.x + plot.width * 0.5, y, { steps: 8 });
    await tab.mouse.up();
    const brushHash = await hashAndReady(tab, 'since=.*until=');
    const brushed = { hash: brushHash, bar: await tab.inputValue('#filter'), total: await total(tab),
      span: await tab.locator('#timeline .tl-span').count() };
    await tab.click('.tl-clear');
    const clearedHash = await hashAndReady(tab, '^(?!.*since=)');
    const cleared = { hash: clearedHash, total: await total(tab) };
    return { marker, markers, hash, selected, selectedInView, before, brushed, cleared };
  },

  async live(tab) {
    const session = needs('session');
    await open(tab, `#/session/${session}`);
    await tab.evaluate(() => {
      window.uiCheckNoReload = true;
    });
    await tab.keyboard.press('G');  // the last row selected: the table follows new rows
    const rows = await frameRows(tab);
    const before = await total(tab);
    const lastSeq = Math.max(0, ...rows.map((r) => r.seq));
    print({ waiting: true, total: before, lastSeq });
    // A new row (with --event: of that name) in the table.
    await tab.waitForFunction(([seq, name]) => [...document.querySelectorAll('.frame-row')].some((r) =>
      Number(r.dataset.seq) > seq && (!name || r.querySelector('.col-name').textContent.trim() === name)),
    [lastSeq, options.event ?? null], { timeout });
    const fresh = (await frameRows(tab)).filter((r) => r.seq > lastSeq);
    return { before, lastSeq, total: await total(tab), fresh, noReload: await tab.evaluate(() => window.uiCheckNoReload === true) };
  },

  async scroll(tab) {
    const session = needs('session');
    await open(tab, `#/session/${session}`);
    const all = await total(tab);
    const count = () => tab.evaluate(() => document.querySelectorAll('.vt-row').length);
    const contiguous = (rows) => rows.length > 0 && rows.every((r, i) => i === 0 || r.seq === rows[i - 1].seq + 1);
    let most = await count();
    await tab.hover('.vt-scroll');
    for (let i = 0; i < 30; i += 1) {
      await tab.mouse.wheel(0, 1500);
      await tab.waitForTimeout(20);
      most = Math.max(most, await count());
    }
    await rowsLoaded(tab);
    const afterWheel = await frameRows(tab);
    await tab.evaluate(() => {
      const box = document.querySelector('.vt-scroll');
      box.scrollTop = box.scrollHeight / 2;
    });
    await tab.waitForTimeout(50);
    await rowsLoaded(tab);
    const middle = await frameRows(tab);
    most = Math.max(most, await count());
    await tab.evaluate(() => {
      const box = document.querySelector('.vt-scroll');
      box.scrollTop = box.scrollHeight;
    });
    await tab.waitForTimeout(50);
    await rowsLoaded(tab);
    const end = await frameRows(tab);
    most = Math.max(most, await count());
    const bottom = await tab.evaluate(() => {
      const box = document.querySelector('.vt-scroll').getBoundingClientRect();
      const rows = [...document.querySelectorAll('.frame-row')].filter((r) => r.getBoundingClientRect().bottom <= box.bottom + 1);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      return Number(rows.at(-1)?.dataset.seq);
    });
    await tab.keyboard.press('End');
    await tab.waitForFunction(() => /[?&]seq=\d+/.test(location.hash), null, { timeout });
    const selected = (await frameRows(tab)).filter((r) => r.selected).map((r) => r.seq);
    await screenshot(tab);
    return {
      total: all,
      mostRowsInDom: most,
      rowsInDomAtEnd: await count(),
      afterWheel: { first: afterWheel[0]?.seq, contiguous: contiguous(afterWheel) },
      middle: { first: middle[0]?.seq, contiguous: contiguous(middle) },
      end: { last: end.at(-1)?.seq, contiguous: contiguous(end) },
      lastVisibleSeq: bottom,
      selectedAtEnd: selected,
      hash: await tab.evaluate(() => location.hash),
    };
  },

  async search(tab) {
    const text = needs('text');
    await open(tab, '#/search');
    await tab.click('#search');
    await tab.fill('#search', `--text ${text}`);
    await tab.keyboard.press('Enter');
    const hash = await hashAndReady(tab, 'text=');
    await tab.waitForFunction(() => document.querySelectorAll('.result').length > 0, null, { timeout });
    const results = await tab.evaluate(() => [...document.querySelectorAll('.result')].map((r) => ({
      session: Number(r.dataset.session), seq: Number(r.dataset.seq) })));
    const found = await total(tab);
    await tab.mouse.move(0, 0);
    await screenshot(tab);
    const first = results[0];
    await tab.click(`.result[data-session="${first.session}"][data-seq="${first.seq}"]`);
    const opened = await hashAndReady(tab, `^#/session/${first.session}\\?seq=${first.seq}$`);
    await tab.waitForFunction(() => document.querySelector('.frame-row.selected'), null, { timeout });
    const selected = (await frameRows(tab)).filter((r) => r.selected).map((r) => ({ session: r.session, seq: r.seq }));
    return { hash, total: found, results, opened, selected };
  },
};

const scenario = scenarios[options.scenario];
if (!scenario) {
  fail(2, `ui-check.mjs: no scenario ${options.scenario} (${Object.keys(scenarios).join(', ')})`);
}

// A fresh profile every run; a viewport the size of a laptop's browser window.
const profile = mkdtempSync(join(tmpdir(), 'rtmtap-ui-chromium-'));
const consoleErrors = [];
let context;
let code = 2;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: options.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    colorScheme: 'light',
  });
  const tab = context.pages()[0] || await context.newPage();
  tab.on('console', (m) => {
    const text = m.text();
    // The bad filter's answer: a 400 the scenario asked for.
    const expected = options.scenario === 'filter' && /status of 400/.test(text);
    if ((m.type() === 'error' || m.type() === 'warning') && !expected) {
      consoleErrors.push(text);
    }
  });
  tab.on('pageerror', (e) => consoleErrors.push(String(e)));
  try {
    const saw = await scenario(tab);
    code = 0;
    print({ ok: true, scenario: options.scenario, saw, consoleErrors });
  } catch (e) {
    const url = await tab.evaluate(() => location.href).catch(() => '');
    if (e instanceof CheckFailed || e.name === 'TimeoutError') {
      code = 1;
    }
    print({ ok: false, scenario: options.scenario, error: `${e.message.split("\n").slice(0, process.env.UI_CHECK_DEBUG ? 30 : 1).join(" | ")} (at ${url})`, consoleErrors });
  }
} catch (e) {
  print({ ok: false, scenario: options.scenario, error: `ui-check.mjs: ${e.message.split('\n')[0]}`, consoleErrors });
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
