import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { packageRoot } from '../../src/node/index.js';

export const CHROMIUM = process.env['CONVERGE_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. In CI a missing Chromium or an unbuilt dashboard fails the
 * run (.ci/run installs Debian's chromium and builds first); elsewhere the tests are skipped.
 */
export function browserAvailable(): boolean {
  const missing = [
    existsSync(CHROMIUM) ? '' : `no Chromium at ${CHROMIUM}`,
    existsSync(join(packageRoot(), 'dist', 'dashboard', 'index.html'))
      ? ''
      : 'the dashboard is not built (npm run build)',
  ].filter(Boolean);
  if (missing.length === 0) return true;
  if (process.env['CI']) throw new Error(`dashboard tests cannot run: ${missing.join('; ')}`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking'],
  });
}

/** Every console error and uncaught exception of a page, for "no console errors". */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export const ARTIFACTS = join(packageRoot(), 'test-artifacts', 'dashboard');
