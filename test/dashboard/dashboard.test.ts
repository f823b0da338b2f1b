import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIR_TABLE, airQualityNetwork } from '../../src/cli/demo/air-network.js';
import type { PackProposalView } from '../../src/federation/index.js';
import type { MemberClient } from '../../src/node/index.js';
import { apiToken, LocalNetwork, openNodeDirectory } from '../../src/node/index.js';
import {
  defaultPolicyDir,
  PACK_CHANGE_PURPOSE,
  PACK_PROPOSE_PURPOSE,
  packHash,
  readPackSource,
  signVote,
} from '../../src/policy/index.js';
import { heartNetwork, quickJob, raiseToTraining } from '../support/heart-network.js';
import { ARTIFACTS, browserAvailable, collectErrors, launchChromium } from './browser.js';

// The dashboard in a real browser against a real network: a hub and four hospital processes.
// One job runs while the training page watches; the other pages are read after it.

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ROUNDS = 20;

const PAGES = [
  { path: 'training', heading: 'Training' },
  { path: 'ledger', heading: 'Ledger' },
  { path: 'network', heading: 'Network' },
  { path: 'collaborations', heading: 'Collaborations' },
  { path: 'decisions', heading: 'Decisions' },
  { path: 'privacy', heading: 'Privacy' },
  { path: 'planner', heading: 'Planner' },
];

describe.skipIf(!browserAvailable())('dashboard', () => {
  let net: LocalNetwork;
  let client: MemberClient;
  let browser: Browser;
  let token: string;
  let jobId: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    net = await heartNetwork();
    await net.startAll();
    await raiseToTraining(net);
    client = await net.client();
    token = await apiToken(net.dir('hub'));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await net?.stop();
  });

  async function open(path: string, viewport = LAPTOP): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    const errors = collectErrors(page);
    // The link `converge demo` prints: the token in the fragment, which no server sees.
    await page.goto(`${net.hubUrl}/#token=${token}`);
    await page.evaluate((p) => (location.hash = `#/${p}`), path);
    return { page, errors };
  }

  it('shows only a login page without a token, and says why a wrong one is refused', async () => {
    const page = await browser.newPage({ viewport: PHONE });
    const errors = collectErrors(page);
    const started = Date.now();
    await page.goto(net.hubUrl);
    await page.getByRole('heading', { name: 'Converge dashboard' }).waitFor();
    const firstRender = Date.now() - started;
    const paint = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
    );
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.getByLabel('Member token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('refused this token');
    await page.screenshot({ path: join(ARTIFACTS, 'login-phone.png'), fullPage: true });
    // The only error is the browser's own report of the refused request.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    console.log(
      `login page: first contentful paint ${paint.toFixed(0)} ms, heading after ${firstRender} ms`,
    );
    expect(firstRender).toBeLessThan(5_000);
    await page.close();
  });

  it('draws each new round in the training chart without a reload', async () => {
    const { page, errors } = await open('training');
    await page.getByText('No job yet').waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { same: boolean }).same = true));
    ({ id: jobId } = await client.startJob('heart', quickJob({ rounds: ROUNDS })));
    const rows = page.locator('table.rounds tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    const seen = await rows.count();
    expect(seen).toBeLessThan(ROUNDS);
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThan(seen);
    const points = Number(await page.locator('.chart-area').first().getAttribute('data-points'));
    expect(points).toBeGreaterThan(seen);
    expect(await page.locator('.chart-area .series path').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { same?: boolean }).same)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'training-live.png'), fullPage: true });
    await expect
      .poll(() => page.getByRole('status').first().textContent(), { timeout: 90_000 })
      .toContain('finished');
    await page.screenshot({ path: join(ARTIFACTS, 'training-finished.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('adds a job that starts to the job list over server-sent events, without a reload', async () => {
    const { page, errors } = await open('training');
    // The job list comes from the hub's overview stream, never from polling GET /v1/overview.
    const polled: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/v1/overview') polled.push(r.url());
    });
    const status = page.getByRole('status').first();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain('finished');
    await page.evaluate(() => ((window as unknown as { same: boolean }).same = true));
    const options = page.getByLabel('Job').locator('option');
    const before = await options.count();
    const { id } = await client.startJob('heart', quickJob({ rounds: 2 }));
    await expect.poll(() => options.count(), { timeout: 30_000 }).toBe(before + 1);
    expect(await options.first().textContent()).toContain(id);
    // The running job is the one shown, streamed until it ends.
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain(id);
    await expect.poll(() => status.textContent(), { timeout: 90_000 }).toContain('finished');
    expect(await page.evaluate(() => (window as unknown as { same?: boolean }).same)).toBe(true);
    expect(polled).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says on the privacy and ledger pages that training ran with secure aggregation', async () => {
    await client.ledgerPublished('heart');
    const { page, errors } = await open('privacy');
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await expect
      .poll(() => row.textContent(), { timeout: 30_000 })
      .toMatch(
        new RegExp(
          `SecAgg\\+ in ${ROUNDS} of ${ROUNDS} rounds \\(k [\\d /]+, t [\\d /]+, error ≤ `,
        ),
      );
    await page.getByText('No analytics query in the published logs.').waitFor();
    await page.evaluate(() => (location.hash = '#/ledger'));
    await page.getByLabel('Type').selectOption('round.closed');
    const first = page.locator('table.entries tbody tr').first();
    await expect.poll(() => first.textContent()).toContain('SecAgg+ sum (k ');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the planned scenario and where the job was placed, at laptop and phone widths', async () => {
    for (const viewport of [LAPTOP, PHONE]) {
      const { page, errors } = await open('planner', viewport);
      await page.getByRole('heading', { level: 1, name: 'Planner' }).waitFor();
      // The hub runs converge plan once (seconds on a busy machine), then keeps the plan.
      const plan = page.getByTestId('plan-table');
      await plan.waitFor({ timeout: 120_000 });
      expect(await plan.locator('tbody tr').count()).toBe(19);
      const summary = await page.getByTestId('scenario-summary').textContent();
      expect(summary).toContain('93 of 94 workloads');
      expect(summary).toContain('saved 12.0 %');
      const excluded = page.getByRole('table', { name: /Excluded by policy/ });
      expect(await excluded.textContent()).toContain('eccn-3a090-a1-d5-headquartered');
      // The job trained earlier: its aggregation placed at the hub's own server, nothing excluded.
      const placements = page.getByRole('table', { name: /job placement/ });
      await placements.waitFor();
      expect(await placements.textContent()).toContain(jobId);
      expect(await placements.textContent()).toContain('hub (CH)');
      expect(await page.locator('svg.placement-map').count()).toBe(2);
      await page.screenshot({
        path: join(ARTIFACTS, `planner-${viewport === PHONE ? 'phone' : 'laptop'}.png`),
        fullPage: true,
      });
      if (viewport === LAPTOP) {
        // The objective is a labelled control; another objective is another plan.
        await page.getByLabel('Objective').selectOption('carbon');
        await expect
          .poll(() => plan.locator('caption').textContent(), { timeout: 120_000 })
          .toContain('objective carbon');
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  /** A new version of one of the repository's packs (only its version changed), by `proposer`. */
  async function proposeVersion(pack: string, version: string, proposer: string) {
    const { cedar, meta } = readPackSource(defaultPolicyDir(), pack);
    const next = { ...(meta as Record<string, unknown>), version };
    const { key } = await openNodeDirectory(net.dir(proposer));
    const at = new Date().toISOString();
    const toHash = packHash({ name: pack, cedar, meta: next });
    const signed = { collaboration: 'heart', proposer, pack, toHash, at };
    return client.proposePack('heart', {
      proposer,
      pack,
      cedar,
      meta: next,
      at,
      signature: signVote(PACK_PROPOSE_PURPOSE, signed, key.privateKey),
    });
  }

  async function vote(view: PackProposalView, member: string) {
    const { key } = await openNodeDirectory(net.dir(member));
    const signature = signVote(PACK_CHANGE_PURPOSE, view.proposal, key.privateKey);
    return client.votePack('heart', view.id, member, signature);
  }

  it('shows the packs in force, a version voted in and an open pack proposal with its signatures', async () => {
    // Every member votes a new version of the US pack in; a new EU version waits for votes.
    const members = (await client.trustState('heart')).members;
    const us = await proposeVersion('us', '2025.2-dashboard', 'cleveland');
    for (const member of members) await vote(us, member);
    expect((await client.packsInForce('heart')).find((p) => p.pack === 'us')).toMatchObject({
      version: '2025.2-dashboard',
      voted: true,
    });
    const eu = await proposeVersion('eu', '2025.2-dashboard', 'hungary');
    await vote(eu, 'hungary');
    const waiting = members.filter((m) => m !== 'hungary');

    for (const viewport of [LAPTOP, PHONE]) {
      const { page, errors } = await open('collaborations', viewport);
      const packs = page.getByRole('table', { name: 'Policy packs in force in heart' });
      await packs.waitFor({ timeout: 30_000 });
      const rows = packs.locator('tbody tr');
      expect(await rows.locator('th').allTextContents()).toEqual(['cn', 'consortium', 'eu', 'us']);
      expect(await rows.filter({ hasText: 'consortium' }).textContent()).toContain("the hub's own");
      const usRow = await packs.locator('tr[data-pack="us"]').textContent();
      expect(usRow).toContain('2025.2-dashboard');
      expect(usRow).toContain(`${us.proposal.toHash.slice(0, 12)}…`);
      expect(usRow).toContain('voted in 20');
      const usMeta = page.locator('article[data-pack-meta="us"]').first();
      expect(await usMeta.getByTestId('in-force').textContent()).toMatch(
        new RegExp(`^voted in by the members .+ UTC \\(log entry \\d+, proposal ${us.id}\\)$`),
      );
      expect(
        await page.locator('article[data-pack-meta="cn"]').getByTestId('in-force').textContent(),
      ).toBe("the hub's own version (policies/)");
      // Each pack's metadata: its notice, scope, and each policy's dates behind a disclosure.
      for (const pack of ['cn', 'consortium', 'eu', 'us']) {
        const meta = page.locator(`article[data-pack-meta="${pack}"]`).first();
        expect((await meta.locator('.disclaimer').textContent())?.toLowerCase()).toContain(
          'illustrative encoding of public rules, not legal advice',
        );
      }
      expect(await usMeta.getByRole('heading', { level: 4 }).textContent()).toContain(
        'Pack us 2025.2-dashboard: United States',
      );
      await usMeta.locator('summary').focus();
      await page.keyboard.press('Enter');
      const policies = usMeta.getByRole('table', { name: /Policies of pack us/ });
      await policies.waitFor();
      expect(
        await policies.locator('tr', { hasText: 'eccn-3a090-a1-d5-headquartered' }).textContent(),
      ).toContain('2023-11-17');
      expect(await usMeta.locator('.sources').textContent()).toContain('88 FR 73458');
      // The open proposal: who signed, who has not.
      const proposal = page.locator(`article[data-proposal="${eu.id}"]`);
      expect(await proposal.getByRole('heading', { level: 4 }).textContent()).toContain(
        'pack eu 2025.1 → 2025.2-dashboard',
      );
      expect(await proposal.getByTestId('signed').textContent()).toBe('hungary');
      expect(await proposal.getByTestId('missing').textContent()).toBe(waiting.join(', '));
      expect(await proposal.textContent()).toContain('metadata: version');
      // Nothing wider than the screen, the policies' table opened included.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await page.screenshot({
        path: join(
          ARTIFACTS,
          `collaborations-packs-${viewport === PHONE ? 'phone' : 'laptop'}.png`,
        ),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('loads every page with the token, at laptop and phone widths, without console errors', async () => {
    await client.ledgerPublished('heart');
    for (const viewport of [LAPTOP, PHONE]) {
      const { page, errors } = await open('training', viewport);
      for (const { path, heading } of PAGES) {
        await page.evaluate((p) => (location.hash = `#/${p}`), path);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        // The overview is a stream that stays open, so the network is never idle: wait for the
        // page's own loads instead.
        await expect.poll(() => page.getByText(/^Loading /).count(), { timeout: 120_000 }).toBe(0);
        await page.screenshot({
          path: join(ARTIFACTS, `${path}-${viewport === PHONE ? 'phone' : 'laptop'}.png`),
          fullPage: true,
        });
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('verifies a genuine entry in the browser and refuses a tampered one', async () => {
    await client.ledgerPublished('heart');
    const genuine = await open('ledger');
    // The checkpoint's signatures, checked in the browser against the witness policy's keys.
    const check = genuine.page.getByTestId('note-check');
    await expect
      .poll(() => check.textContent(), { timeout: 30_000 })
      .toContain('✓ quorum met: log signature valid');
    expect(await check.textContent()).toContain(
      'cosigned by cleveland, hungary, long-beach, switzerland',
    );
    await genuine.page.getByRole('button', { name: 'Verify entry 0' }).click();
    await expect
      .poll(() => genuine.page.locator('tr[data-entry="0"]').textContent())
      .toContain('✓ verified');
    expect(genuine.errors).toEqual([]);
    await genuine.page.close();

    // The hub (or anyone in between) changes one byte of entry 0 as it is served.
    const tampered = await open('training');
    await tampered.page.route('**/log/heart/tile/entries/**', async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      const at = body.indexOf('healthcare');
      expect(at).toBeGreaterThan(0);
      body[at] = 'H'.charCodeAt(0);
      await route.fulfill({ response, body });
    });
    // …and flips a bit in every witness's cosignature: the quorum is gone.
    await tampered.page.route('**/log/heart/status', async (route) => {
      const response = await route.fetch();
      const status = (await response.json()) as { checkpoint: string };
      const lines = status.checkpoint.split('\n').map((line) => {
        if (!line.startsWith('\u2014 converge/witness/')) return line;
        const [dash, name, sig] = line.split(' ');
        const bytes = Buffer.from(sig ?? '', 'base64');
        bytes[bytes.length - 1]! ^= 1;
        return `${dash} ${name} ${bytes.toString('base64')}`;
      });
      await route.fulfill({ response, json: { ...status, checkpoint: lines.join('\n') } });
    });
    await tampered.page.evaluate(() => (location.hash = '#/ledger'));
    await expect
      .poll(() => tampered.page.getByTestId('note-check').textContent(), { timeout: 30_000 })
      .toContain('✗ quorum not met');
    await tampered.page.getByRole('button', { name: 'Verify entry 0' }).click();
    const row = tampered.page.locator('tr[data-entry="0"]');
    await expect.poll(() => row.textContent()).toContain('not verified: root mismatch');
    await expect.poll(() => row.textContent()).toContain('Healthcare');
    await tampered.page.screenshot({
      path: join(ARTIFACTS, 'ledger-tampered.png'),
      fullPage: true,
    });
    expect(tampered.errors).toEqual([]);
    await tampered.page.close();
    expect(jobId).toBeDefined();
  });
});

// The demo's air-quality collaboration (a hub and six monitoring stations, trust level 1): two
// DP queries, one of which has empty cells (no readings before March 2013 or after February
// 2017) that the hub must suppress. Run after the hospitals' network has stopped.
describe.skipIf(!browserAvailable())('dashboard with analytics queries', () => {
  const COLLAB = 'beijing-air';
  let dir: string;
  let net: LocalNetwork;
  let browser: Browser;
  let token: string;
  let queries: { id: string; status: string }[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'converge-dashboard-air-'));
    net = await LocalNetwork.create(dir, airQualityNetwork());
    await net.startAll();
    const client = await net.client();
    queries = [];
    for (const query of [
      { stat: 'mean', column: 'PM2.5', by: ['season'], epsilon: 1 },
      { stat: 'count', column: 'PM2.5', by: ['year', 'month'], epsilon: 1 },
    ]) {
      queries.push(await client.runQuery(COLLAB, { dataset: AIR_TABLE, query }));
    }
    await client.ledgerPublished(COLLAB);
    token = await apiToken(net.dir('air-hub'));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await net?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists each query with its spend, its published cells and the suppressed ones', async () => {
    expect(queries.map((q) => q.status)).toEqual(['answered', 'answered']);
    const season = queries[0]!;
    const months = queries[1]!;
    for (const viewport of [LAPTOP, PHONE]) {
      const page = await browser.newPage({ viewport });
      const errors = collectErrors(page);
      await page.goto(`${net.hubUrl}/#token=${token}`);
      await page.evaluate(() => (location.hash = '#/privacy'));
      const byMonth = page.locator(`article[data-query="${months.id}"]`);
      await byMonth.waitFor({ timeout: 30_000 });
      const bySeason = page.locator(`article[data-query="${season.id}"]`);
      expect(await bySeason.getByRole('heading', { level: 3 }).textContent()).toContain(
        'mean of PM2.5 by season',
      );
      const facts = await bySeason.locator('dl').textContent();
      expect(facts).toContain(`${COLLAB} / ${AIR_TABLE}`);
      expect(facts).toMatch(/Spentε (0\.9\d+|1), δ 1e-5/);
      expect(facts).toContain('Sites in the secure sum6: ');
      // The cells sit behind a disclosure: opened from the keyboard.
      await bySeason.locator('summary').focus();
      await page.keyboard.press('Enter');
      const seasonRows = bySeason.locator('table.cells tbody tr');
      expect(await seasonRows.count()).toBe(4);
      expect(await seasonRows.filter({ hasText: 'winter' }).textContent()).toMatch(/± \d/);

      expect(await byMonth.locator('summary').textContent()).toMatch(
        /\d+ cells published, \d+ suppressed/,
      );
      await byMonth.locator('summary').click();
      const suppressed = byMonth.locator('tr.suppressed');
      // 12 cells hold no reading; noise may lift the odd one over the minimum, never most.
      expect(await suppressed.count()).toBeGreaterThanOrEqual(6);
      expect(await suppressed.first().textContent()).toContain(
        'suppressed: noisy count below the minimum cohort of 10',
      );
      expect(await byMonth.locator('table.cells tbody tr').count()).toBe(60);

      // ε over time: one dataset, a step per release.
      const chart = page.getByRole('figure', { name: 'ε released per dataset over time' });
      expect(await chart.locator('.series path').count()).toBe(1);
      expect(await chart.locator('table tbody tr').count()).toBe(2);
      await page.screenshot({
        path: join(ARTIFACTS, `privacy-queries-${viewport === PHONE ? 'phone' : 'laptop'}.png`),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('summarises the query entries on the ledger page', async () => {
    const page = await browser.newPage({ viewport: LAPTOP });
    const errors = collectErrors(page);
    await page.goto(`${net.hubUrl}/#token=${token}`);
    await page.evaluate(() => (location.hash = '#/ledger'));
    const rows = page.locator('table.entries tbody tr');
    await page.getByLabel('Type').selectOption('query.proposed');
    await expect
      .poll(() => rows.first().textContent())
      .toContain(`on ${AIR_TABLE}: mean of PM2.5 by season, ε 1 asked`);
    await page.getByLabel('Type').selectOption('query.finished');
    await expect
      .poll(() => rows.first().textContent())
      .toMatch(/answered from 6 sites: 4 cells published, 0 suppressed; ε [\d.]+, δ 1e-5 spent/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
