// Opens a page of `rtmtap ui` (or any page that says when its view has loaded) in Debian's
// firefox-esr, driven by puppeteer-core over WebDriver BiDi (playwright-core drives only its own
// Firefox build, which is never downloaded here): the viewer's cross-browser check.
//
//   node tests/browser/firefox-check.mjs --url URL [--timeout MS] [--click SELECTOR]
//        [--wait-selector SELECTOR] [--count SELECTOR ...] [--screenshot FILE.png]
//        [--firefox /usr/bin/firefox-esr]
//
// Waits until the page sets document.body.dataset.ready to "1", counts the elements each --count
// matches (readyCounts: the first view, e.g. the sessions list), then clicks --click (if given),
// waits for --wait-selector (if given), counts again (counts: the view the click led to) and
// takes the screenshot. Prints ONE JSON line on stdout:
//   {"ok", "error", "consoleErrors": [...], "title", "readyCounts": {"SELECTOR": n, ...},
//    "counts": {"SELECTOR": n, ...}}
// A count of -1: the selector is not valid CSS.
// consoleErrors are the page's uncaught exceptions and console.error calls; any makes ok false.
// Exit 0 when ok, 1 when the page is not (it never got ready, a selector never came, console
// errors), 2 when the check could not run (bad arguments, no firefox, the browser did not start);
// error names the cause.
import { exitAfterOutput } from './exit.mjs';
import puppeteer from 'puppeteer-core';

import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

function finish(code, fields) {
  const line = { ok: code === 0, error: '', consoleErrors: [], title: '', readyCounts: {}, counts: {}, ...fields };
  process.stdout.write(JSON.stringify(line) + '\n');
  return exitAfterOutput(code);
}

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0];
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      url: { type: 'string' },
      timeout: { type: 'string', default: '30000' },
      click: { type: 'string' },
      'wait-selector': { type: 'string' },
      count: { type: 'string', multiple: true, default: [] },
      screenshot: { type: 'string' },
      firefox: { type: 'string', default: '/usr/bin/firefox-esr' },
    },
  }));
} catch (e) {
  await finish(2, { error: `firefox-check.mjs: ${firstLine(e)}` });
}
if (!options.url) {
  await finish(2, { error: 'firefox-check.mjs: --url is required (the page to open, e.g. http://127.0.0.1:8090/#/)' });
}
const timeoutMs = Number(options.timeout);
if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
  await finish(2, { error: `firefox-check.mjs: --timeout must be a positive number of milliseconds, not '${options.timeout}'` });
}
try {
  accessSync(options.firefox, constants.X_OK);
} catch {
  await finish(2, { error: `firefox-check.mjs: no firefox at ${options.firefox} (apt-get install firefox-esr, or scripts/install-deps --tests)` });
}

// A fresh profile every run: no cache, cookie or session restore from an earlier one.
const profile = mkdtempSync(join(tmpdir(), 'rtmtap-firefox-'));
const consoleErrors = [];
const viewport = { width: 1280, height: 800 };
let browser;
let code = 2;
let result = {};
try {
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: options.firefox,
      headless: true,
      userDataDir: profile,
      defaultViewport: viewport,
      timeout: timeoutMs,
      // Nothing of the machine's own network: no updates, telemetry or remote settings.
      extraPrefsFirefox: { 'app.update.enabled': false, 'network.connectivity-service.enabled': false },
    });
  } catch (e) {
    throw Object.assign(new Error(`firefox did not start: ${firstLine(e)}`), { cannotRun: true });
  }
  const tab = (await browser.pages())[0] || await browser.newPage();
  await tab.setViewport(viewport);  // the first tab does not take defaultViewport in Firefox
  tab.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  tab.on('pageerror', (e) => consoleErrors.push(`uncaught: ${firstLine(e)}`));
  code = 1;
  result = await checkPage(tab);
  if (!result.error && consoleErrors.length > 0) {
    result.error = `the page logged ${consoleErrors.length} console error(s)`;
  }
  code = result.error ? 1 : 0;
} catch (e) {
  if (e.cannotRun) code = 2;
  result.error = `firefox-check.mjs: ${firstLine(e)}`;
} finally {
  await browser?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
await finish(code, { ...result, consoleErrors });

// The steps on the page; a step that fails says which in error, with what was seen up to it.
async function checkPage(tab) {
  const seen = { title: '', readyCounts: {}, counts: {}, error: '' };
  const step = async (what, action) => {
    try {
      await action();
      return true;
    } catch (e) {
      seen.error = `${what}: ${firstLine(e)}`;
      return false;
    }
  };
  const ready = await step(`cannot open ${options.url}`, () => openPage(tab))
    && await step('the page never set document.body.dataset.ready to "1"',
      () => tab.waitForFunction(() => document.body && document.body.dataset.ready === '1', { timeout: timeoutMs }));
  if (ready) {
    seen.readyCounts = await countAll(tab);
  }
  const ok = ready
    && (!options.click || await step(`cannot click ${options.click}`, () => clickOn(tab, options.click)))
    && (!options['wait-selector'] || await step(`${options['wait-selector']} never appeared`,
      () => tab.waitForSelector(options['wait-selector'], { timeout: timeoutMs })));
  seen.title = await tab.title().catch(() => '');
  seen.counts = await countAll(tab);
  if (ok && options.screenshot) {
    await step(`cannot write the screenshot ${options.screenshot}`, () => tab.screenshot({ path: options.screenshot }));
  }
  return seen;
}

// The page, and no error page: a 404 or 500 would only show up as a page that never got ready.
async function openPage(tab) {
  const response = await tab.goto(options.url, { timeout: timeoutMs });
  if (response && !response.ok()) {
    throw new Error(`the server answered ${response.status()} ${response.statusText()}`.trim());
  }
}

async function countAll(tab) {
  const counts = {};
  for (const selector of options.count) {
    counts[selector] = await tab.$$eval(selector, (els) => els.length).catch(() => -1);
  }
  return counts;
}

async function clickOn(tab, selector) {
  const element = await tab.waitForSelector(selector, { timeout: timeoutMs });
  await element.click();
}
