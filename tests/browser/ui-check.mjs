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
//   hostile   a database of hostile recordings (tests/support/HostileSessions): every session of
//             the list opened, its API calls expanded, every frame selected (a click each, the
//             JSON tree's braces unfolded, both copies), each --kind filter, the findings; a search
//             for each --text WORD (repeatable). saw: what ran (window.__pwned, which an injected
//             handler would set, and the CSP violations), the text the page shows where recorded
//             text goes (list, head, login, frames), and a click on the list after it all
//
// Prints one JSON line on stdout (the last line): ok, error, scenario, saw (what the page showed)
// and consoleErrors (the browser's errors and warnings, but for the 400 the bad filter asks for).
// Exit 0 when ok, 1 when a check of the page failed, 2 when it could not run.
import { exitAfterOutput } from './exit.mjs';
import { launchChromium } from './chromium.mjs';

import { parseArgs } from 'node:util';

function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function fail(code, message) {
  print({ ok: false, error: message });
  return exitAfterOutput(code);
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
      text: { type: 'string', multiple: true },
      screenshot: { type: 'string' },
      timeout: { type: 'string', default: '20000' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
    },
  }));
} catch (e) {
  await fail(2, `ui-check.mjs: ${e.message}`);
}
if (!options.url || !options.scenario) {
  await fail(2, 'ui-check.mjs: --url and --scenario are required');
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

// Navigates the open page to hash and waits until the view has loaded again (the mark is
// cleared first: the old view's "1" must not pass for the new one's).
async function go(tab, hash) {
  await tab.evaluate((h) => {
    document.body.dataset.ready = '0';
    location.hash = h;
  }, hash);
  await ready(tab);
}

// Elements and attributes that recorded text must never become: markup of its own (an img,
// script, iframe, an svg outside the timeline's), event handler attributes, javascript: links.
const foreignMarkup = (tab) => tab.evaluate(() => {
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const name = el.localName;
    if (/^(img|image|script|iframe|object|embed|foreignobject|style|link|meta|base|form)$/i.test(name) ||
      (name === 'svg' && !el.closest('#timeline'))) {
      found.push(name);
    }
    for (const a of el.attributes) {
      if (/^on/i.test(a.name) || (/^(href|src|action|xlink:href)$/i.test(a.name) && /^\s*javascript:/i.test(a.value))) {
        found.push(`${name}[${a.name}]`);
      }
    }
  }
  return found;
});

// Shell-quotes a word for the filter bar, as filters.js reads it back.
const barWord = (word) => `'${word.replace(/'/g, `'\\''`)}'`;

// One session of the hostile database, every part of its view used (see the scenario).
async function hostileSession(tab, id, foreign) {
  await go(tab, `#/session/${id}`);
  foreign.push(...await foreignMarkup(tab));
  const head = await tab.evaluate(() => {
    const facts = [...document.querySelectorAll('.session-head .fact')].map((f) => f.textContent);
    const ending = document.querySelector('.session-head .ending');
    return { facts, ending: ending?.textContent ?? null, endingTitle: ending?.title ?? null };
  });
  // The login: every API call unfolded.
  const summaries = tab.locator('#login .api-call > summary');
  for (let i = 0; i < await summaries.count(); i += 1) {
    await summaries.nth(i).click({ timeout });
  }
  const calls = await tab.evaluate(() => [...document.querySelectorAll('#login .api-call')].map((call) => ({
    open: call.open,
    method: call.querySelector('.method').textContent,
    path: call.querySelector('.path').textContent,
    status: call.querySelector('.status').textContent,
    headers: [...call.querySelectorAll('.headers tr')].map((tr) => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]),
    bodies: [...call.querySelectorAll('.body')].map((b) => b.textContent.length),
  })));
  const findings = await tab.evaluate(() => [...document.querySelectorAll('#findings .finding')].map((f) => ({
    seq: Number(f.dataset.seq), sentence: f.querySelector('.sentence').textContent })));
  // The timeline's readout under the pointer, left to right.
  const plot = await tab.locator('#timeline .tl-bg').boundingBox().catch(() => null);
  if (plot) {
    for (let x = 0.05; x < 1; x += 0.15) {
      await tab.mouse.move(plot.x + plot.width * x, plot.y + plot.height / 2);
    }
  }
  const all = await total(tab);
  foreign.push(...await foreignMarkup(tab));

  // Every frame: selected by a click, its JSON tree unfolded (folded nodes opened, then an
  // Alt-click on the root twice: everything folded, everything unfolded), both copies made.
  const frames = [];
  for (let index = 0; index < all; index += 1) {
    const seq = await tab.evaluate((i) => {
      const rows = [...document.querySelectorAll('.frame-row')].sort((a, b) => a.vtIndex - b.vtIndex);
      return rows.find((r) => r.vtIndex === i)?.dataset.seq ?? null;
    }, index);
    check(seq !== null, `session ${id}: no row for frame ${index + 1} of ${all}`);
    await tab.locator(`.frame-row[data-seq="${seq}"] .col-seq`).click({ timeout });
    await tab.waitForFunction((n) => document.querySelector('.detail-title').textContent.startsWith(`#${n} `), seq, { timeout });
    const folded = tab.locator('#frame-json .jt-folded > .jt-brace');
    for (let i = 0; i < Math.min(10, await folded.count()); i += 1) {
      await folded.first().click({ timeout });
    }
    const root = tab.locator('#frame-json .jt > .jt-container > .jt-brace');
    if (await root.count()) {
      await root.click({ modifiers: ['Alt'], timeout });
      await root.click({ modifiers: ['Alt'], timeout });
    }
    await tab.click('#copy-json', { timeout });
    await tab.click('#copy-query', { timeout });
    frames.push(await tab.evaluate((n) => {
      const row = document.querySelector(`.frame-row[data-seq="${n}"]`);
      const json = document.querySelector('#frame-json');
      return {
        seq: Number(n),
        kind: row.querySelector('.col-kind .cell-text')?.textContent ?? '',
        name: row.querySelector('.col-name').textContent,
        filterChars: row.querySelector('.col-name .add-filter')?.dataset.value.length ?? null,
        jsonChars: json.textContent.length,
        containers: json.querySelectorAll('.jt-container').length,
        deeper: json.querySelectorAll('.jt-deeper').length,
        more: json.querySelectorAll('.jt-more').length,
        // How the payload shows: "jt-string" (its text), "jt-container" (a tree), ...
        data: [...json.querySelectorAll('.jt > .jt-container > .jt-children > .jt-key')]
          .find((k) => k.textContent === '"data"')?.nextElementSibling?.classList[0] ?? null,
        copiedJson: document.querySelector('#copy-json').dataset.copied?.length ?? null,
        copiedQuery: document.querySelector('#copy-query').dataset.copied ?? null,
      };
    }, seq));
  }
  foreign.push(...await foreignMarkup(tab));
  const kinds = {};
  for (const kind of ['command', 'event', 'control', 'other']) {
    await go(tab, `#/session/${id}?kind=${kind}`);
    kinds[kind] = await total(tab);
  }
  return { id, head, calls, findings, total: all, frames, kinds };
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
    // The table scrolls to the row and may draw it again when its page arrives: waited for, not
    // looked at once (a busy machine saw the row a moment before it was scrolled into view).
    // Within a pixel: the box can sit at a fractional y while its scroll range is whole pixels,
    // and then the last row scrolled to the end overhangs by a fraction (CI: 0.17 px).
    await tab.evaluate(() => {
      window.uiCheckSelectedInView = () => {
        const selectedRow = document.querySelector('.frame-row.selected');
        if (!selectedRow) {
          return null;
        }
        const row = selectedRow.getBoundingClientRect();
        const box = document.querySelector('.vt-scroll').getBoundingClientRect();
        return { inView: row.top >= box.top - 1 && row.bottom <= box.bottom + 1,
          row: [row.top, row.bottom], box: [box.top, box.bottom] };
      };
    });
    const selectedInView = await tab.waitForFunction(() => window.uiCheckSelectedInView()?.inView, null, { timeout })
      .then(() => true, () => false);
    const selectedBox = await tab.evaluate(() => window.uiCheckSelectedInView());

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
    return { marker, markers, hash, selected, selectedInView, selectedBox, before, brushed, cleared };
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
    const text = needs('text')[0];
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
  async hostile(tab) {
    // Before the page's own scripts: what the CSP blocked is recorded from the first byte on.
    await tab.addInitScript(() => {
      window.uiCheckViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.uiCheckViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
      });
    });
    await open(tab, '#/');
    const foreign = await foreignMarkup(tab);
    const list = await tab.evaluate(() => [...document.querySelectorAll('tr[data-session]')].map((tr) => ({
      id: Number(tr.dataset.session),
      user: tr.querySelector('.col-user').textContent,
      client: tr.querySelector('.col-client').textContent,
      label: tr.querySelector('.col-label').textContent,
      ending: tr.querySelector('.col-ending').textContent,
      endingTitle: tr.querySelector('.col-ending').title,
    })));
    check(list.length > 0, 'no session row (tr[data-session])');
    // Words typed into the list's bar filter its rows as text.
    await tab.fill('#filter', 'svg');
    const svgRows = await tab.locator('tr[data-session]').count();
    await tab.fill('#filter', '');
    const sessions = [];
    for (const row of list) {
      sessions.push(await hostileSession(tab, row.id, foreign));
    }
    const searches = [];
    for (const word of options.text || []) {
      await go(tab, '#/search');
      await tab.fill('#search', `--text ${barWord(word)}`);
      await tab.press('#search', 'Enter');
      await hashAndReady(tab, 'text=');
      const found = await total(tab);
      const previews = await tab.evaluate(() => [...document.querySelectorAll('.result')].slice(0, 20).map((r) => ({
        session: Number(r.dataset.session), seq: Number(r.dataset.seq),
        marks: [...r.querySelectorAll('mark')].map((m) => m.textContent) })));
      foreign.push(...await foreignMarkup(tab));
      let opened = null;
      if (previews.length) {
        await tab.click(`.result[data-session="${previews[0].session}"][data-seq="${previews[0].seq}"]`, { timeout });
        opened = await hashAndReady(tab, `^#/session/${previews[0].session}\\?seq=${previews[0].seq}$`);
      }
      searches.push({ word, total: found, previews, opened });
    }
    // After all that the page still answers a click: the list again, every row there.
    await tab.click('.topbar nav a[data-view="sessions"]', { timeout });
    await hashAndReady(tab, '^#/$');
    await tab.waitForFunction((n) => document.querySelectorAll('tr[data-session]').length === n, list.length, { timeout });
    const ran = await tab.evaluate(() => ({ pwned: window.__pwned ?? null, violations: window.uiCheckViolations }));
    return { ...ran, foreign, list, svgRows, sessions, searches, rowsAtEnd: await tab.locator('tr[data-session]').count() };
  },
};

const scenario = scenarios[options.scenario];
if (!scenario) {
  await fail(2, `ui-check.mjs: no scenario ${options.scenario} (${Object.keys(scenarios).join(', ')})`);
}

// A viewport the size of a laptop's browser window.
const consoleErrors = [];
let browser;
let code = 2;
try {
  browser = await launchChromium({ executablePath: options.chromium, viewport: { width: 1400, height: 900 } });
  const { tab } = browser;
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
    print({ ok: false, scenario: options.scenario, error: `${e.message.split("\n").slice(0, process.env.UI_CHECK_DEBUG ? 30 : 8).join(" | ")} (at ${url})`, consoleErrors });
  }
} catch (e) {
  print({ ok: false, scenario: options.scenario, error: `ui-check.mjs: ${e.message.split('\n')[0]}`, consoleErrors });
} finally {
  await browser?.close();
}
await exitAfterOutput(code);
