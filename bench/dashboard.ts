/**
 * npx tsx bench/dashboard.ts [--label NAME] [--loads N] [--rounds N] [--json FILE]
 *
 * How fast the dashboard's training page draws in Chromium against a real hub on loopback: the
 * demo's four hospitals train one job (secure aggregation, as in the demo), then the page is
 * opened `--loads` times, each in a fresh browser context (cold cache, as a first visit), with
 * the token link `converge demo` prints. Per load: first contentful paint, the Training heading,
 * the full draw (both charts' lines and every round in the table), when the bundle, the
 * overview and the job's first summary arrived, and the main thread's long tasks. Needs the
 * built dashboard (npm run build) and /usr/bin/chromium. The result is merged into the JSON file
 * under `--label`, so that runs before and after a change sit side by side.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { raiseTrustTogether } from '../src/cli/demo/demo-governance.js';
import { heartDiseaseNetwork } from '../src/cli/demo/heart-network.js';
import { heartJobSpec } from '../src/cli/demo/run-demo.js';
import { followJob } from '../src/cli/follow-job.js';
import { apiToken, LocalNetwork } from '../src/node/index.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const label = option('--label', 'current');
const loads = Number(option('--loads', '8'));
const rounds = Number(option('--rounds', '15'));
const jsonFile = option('--json', 'bench/results/dashboard.json');
const CHROMIUM = process.env['CONVERGE_CHROMIUM'] ?? '/usr/bin/chromium';

interface Load {
  /** Milliseconds from navigation start. */
  firstContentfulPaint: number;
  heading: number;
  fullDraw: number;
  /** When the bundle arrived, and the first byte of the overview's and the job's responses. */
  bundle: number;
  overview: number;
  jobSummary: number;
  /** When the page had the overview and the job's first summary (its marks; -1 before them). */
  overviewMark: number;
  summaryMark: number;
  /** Main-thread tasks over 50 ms before the full draw: count and total blocking (ms beyond 50). */
  longTasks: number;
  blockingMs: number;
}

async function measure(page: Page, url: string, rounds: number): Promise<Load> {
  // tsx keeps function names with a helper the page does not have.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.startTime, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  const heading = await page.waitForFunction(
    () => (document.querySelector('h1')?.textContent === 'Training' ? performance.now() : 0),
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const drawn = await page.waitForFunction(
    (want) => {
      const lines = document.querySelectorAll('.chart-area').length;
      const drawnLines = [...document.querySelectorAll('.chart-area')].every(
        // recharts (before) or the dashboard's own chart (after)
        (c) => c.querySelectorAll('.recharts-line path, .series path').length > 0,
      );
      const rows = document.querySelectorAll('table.rounds tbody tr').length;
      return lines === 2 && drawnLines && rows === want ? performance.now() : 0;
    },
    rounds,
    { polling: 'raf', timeout: 60_000 },
  );
  const fullDraw = (await drawn.jsonValue()) as number;
  const timings = await page.evaluate((until) => {
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const find = (test: (name: string) => boolean, field: 'responseEnd' | 'responseStart') =>
      resources.find((r) => test(new URL(r.name).pathname))?.[field] ?? -1;
    const tasks = (window as unknown as { longTasks: number[] }).longTasks;
    let longTasks = 0;
    let blockingMs = 0;
    for (let i = 0; i < tasks.length; i += 2) {
      if (tasks[i]! > until) continue;
      longTasks++;
      blockingMs += tasks[i + 1]! - 50;
    }
    const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? -1;
    return {
      overviewMark: mark('converge:overview'),
      summaryMark: mark('converge:summary'),
      firstContentfulPaint:
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
      bundle: find((p) => /^\/assets\/index-.*\.js$/.test(p), 'responseEnd'),
      overview: find((p) => p === '/v1/overview' || p === '/v1/overview/events', 'responseStart'),
      jobSummary: find((p) => /^\/v1\/jobs\/[^/]+(\/events)?$/.test(p), 'responseStart'),
      longTasks,
      blockingMs,
    };
  }, fullDraw);
  return { ...timings, heading: (await heading.jsonValue()) as number, fullDraw };
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const r = (x: number) => Math.round(x);
  return { median: r(median), min: r(sorted[0]!), max: r(sorted.at(-1)!) };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'converge-bench-dashboard-'));
  const net = await LocalNetwork.create(dir, heartDiseaseNetwork());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking'],
  });
  try {
    await net.startAll();
    const client = await net.client();
    await raiseTrustTogether(net, client);
    const { id } = await client.startJob('heart', heartJobSpec(0, rounds));
    const job = await followJob(client, id, (l) => process.stderr.write(`${l}\n`));
    if (job.status !== 'finished') throw new Error(`job ${id} ${job.status}: ${job.error}`);
    const token = await apiToken(net.dir('hub'));
    const url = `${net.hubUrl}/#token=${token}`;
    const load = loadavg()[0]!;
    const results: Load[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      results.push(await measure(page, url, rounds));
      process.stderr.write(`load ${i + 1}: ${JSON.stringify(results.at(-1))}\n`);
      await context.close();
    }
    const keys = Object.keys(results[0]!) as (keyof Load)[];
    const summary = Object.fromEntries(keys.map((k) => [k, stats(results.map((r) => r[k]))]));
    const entry = {
      measuredAt: new Date().toISOString(),
      rounds,
      loads,
      loadAverageAtStart: Number(load.toFixed(1)),
      loadAverageAtEnd: Number(loadavg()[0]!.toFixed(1)),
      browser: `Chromium ${browser.version()} headless, 1280×800, fresh context per load`,
      summary,
      runs: results.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)])),
      ),
    };
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(await readFile(jsonFile, 'utf8')) as Record<string, unknown>;
    } catch {
      // A first run: a new file.
    }
    all[label] = entry;
    await writeFile(jsonFile, JSON.stringify(all, null, 2) + '\n');
    console.log(JSON.stringify({ [label]: { ...entry, runs: undefined } }, null, 2));
  } finally {
    await browser.close();
    await net.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
