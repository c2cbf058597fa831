// Runs one of this directory's pages (login.html, webclient.html) in Debian's chromium (driven by
// playwright-core, which never downloads a browser here) against an AirSend-like API:
// `rtmtap proxy --api-upstream`, `rtmtap simulate`, or any other server that answers the routes
// the page calls (a replay's --api-listen). The page is served by this script on a port of its
// own, so it is of another origin than the API, as AirSend's web client is.
//
//   node tests/browser/open-page.mjs --api http://127.0.0.1:8081/api/v1 [--page login.html]
//        [--user U] [--password P] [--screenshot FILE.png] [--timeout MS] [--chromium /usr/bin/chromium]
//        [--chromium-arg=--FLAG=VALUE ...]
//   node tests/browser/open-page.mjs --url https://localhost:PORT/regular.html?... [--chromium-arg=...]
//
// --url opens a page that a server of the caller serves (then --api, --page, --user and
// --password are not used; the page's own query says what it needs). --chromium-arg adds a flag
// to chromium's command line, e.g. --chromium-arg=--proxy-server=http://127.0.0.1:8080 (the `=`
// form: a value that starts with a dash is not taken otherwise).
//
// Prints one JSON line on stdout: the page's result (window.rtmtapResult: ok, error, and what the
// page saw) and the browser console's errors and warnings (consoleErrors). Exit 0 when the page
// says ok, 1 when it does not, 2 when it could not run (bad arguments, no browser, the page did
// not load: its error names the cause, e.g. net::ERR_CERT_AUTHORITY_INVALID).
import { exitAfterOutput } from './exit.mjs';
import { launchChromium } from './chromium.mjs';

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));

function fail(code, message, extra = {}) {
  process.stdout.write(JSON.stringify({ ok: false, error: message, ...extra }) + '\n');
  return exitAfterOutput(code);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      api: { type: 'string' },
      page: { type: 'string', default: 'login.html' },
      user: { type: 'string', default: 'user1@example.test' },
      password: { type: 'string', default: 'password' },
      screenshot: { type: 'string' },
      timeout: { type: 'string', default: '20000' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
      url: { type: 'string' },
      'chromium-arg': { type: 'string', multiple: true, default: [] },
    },
  }));
} catch (e) {
  await fail(2, `open-page.mjs: ${e.message}`);
}
if (!options.api && !options.url) {
  await fail(2, 'open-page.mjs: --api is required (the API base URL, e.g. http://127.0.0.1:8081/api/v1), or --url');
}
const timeoutMs = Number(options.timeout);

// The page alone, on 127.0.0.1 and a port of its own (not with --url: the caller serves it).
async function servePage() {
  if (!/^[\w-]+\.html$/.test(options.page)) {
    await fail(2, `open-page.mjs: --page must name a page of ${here}, e.g. login.html`);
  }
  let page;
  try {
    page = readFileSync(join(here, options.page));
  } catch (e) {
    await fail(2, `open-page.mjs: cannot read ${options.page}: ${e.message}`);
  }
  return createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method === 'GET' && path === `/${options.page}`) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page);
    } else if (req.method === 'GET' && path === '/page-run.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(readFileSync(join(here, 'page-run.js')));
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();  // none, and no 404 in the console for it
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    }
  });
}
let server = null;
let pageUrl = options.url;
if (!pageUrl) {
  server = await servePage();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${server.address().port}/${options.page}?` +
    new URLSearchParams({ api: options.api, user: options.user, password: options.password, timeout: timeoutMs });
}

const consoleErrors = [];
let browser;
let code = 2;
try {
  browser = await launchChromium({ executablePath: options.chromium, viewport: { width: 1000, height: 700 },
    args: options['chromium-arg'] });
  const { tab } = browser;
  tab.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
  });
  tab.on('pageerror', (e) => consoleErrors.push(String(e)));
  await tab.goto(pageUrl);
  // The page has its own deadline; this one only catches a page that never ran.
  await tab.waitForFunction(() => window.rtmtapResult !== undefined, null, { timeout: timeoutMs + 10000 });
  const result = await tab.evaluate(() => window.rtmtapResult);
  if (options.screenshot) {
    await tab.screenshot({ path: options.screenshot, fullPage: true });
  }
  code = result.ok ? 0 : 1;
  process.stdout.write(JSON.stringify({ ...result, consoleErrors }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: `open-page.mjs: ${e.message.split('\n')[0]}`, consoleErrors }) + '\n');
} finally {
  await browser?.close();
  server?.close();
}
await exitAfterOutput(code);
