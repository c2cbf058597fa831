// Debian's chromium driven by playwright-core (which never downloads a browser here), launched
// the one way the browser test scripts (open-page.mjs, ui-check.mjs) launch it: a fresh profile
// each run (no cached preflight, cookie or storage from an earlier one), headless, nothing of its
// own on the network. close() ends it and removes the profile.
import { chromium } from 'playwright-core';

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launchChromium({ executablePath, viewport, args = [], colorScheme = 'light' }) {
  const profile = mkdtempSync(join(tmpdir(), 'rtmtap-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
      viewport,
      colorScheme,
    });
  } catch (e) {
    removeProfile();
    throw e;
  }
  const tab = context.pages()[0] || await context.newPage();
  return {
    tab,
    close: async () => {
      await context.close().catch(() => {});
      removeProfile();
    },
  };
}
