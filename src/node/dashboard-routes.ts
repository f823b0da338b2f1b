import { Hono } from 'hono';
import type { Context, Next } from 'hono';
import { streamSSE } from 'hono/streaming';
import { setTimeout as sleep } from 'node:timers/promises';
import { Refusal, getCollaboration, getJob, summarizeJob } from '../federation/index.js';
import type { Recorder } from '../federation/index.js';
import { OBJECTIVES } from '../planner/index.js';
import type { Db } from '../store/index.js';
import { hubOverview } from './dashboard-overview.js';
import { dashboardDir, dashboardFile } from './dashboard-static.js';
import { PlacementListings } from './placement-listing.js';
import { ScenarioPlans } from './scenario-plans.js';

export interface DashboardDeps {
  db: Db;
  token: string;
  nodeName: string;
  keyId: string;
  /** Where the built dashboard lives (default: dist/dashboard of this package). */
  staticDir?: string;
  /** How often a job's progress stream looks for changes. */
  pollMs?: number;
  /** The collaborations' logs, where job placements are read from. */
  recorder?: Recorder;
}

/** A change of any of these means the job's summary changed (a phase, a round, a report). */
const PROGRESS = `select j.status, j.phase, j.updated_at::text as updated,
  (select count(*) from rounds r where r.job_id = j.id)::int as rounds,
  (select count(*) from rounds r where r.job_id = j.id and r.completed_at is not null)::int as closed,
  (select count(*) from job_reports p where p.job_id = j.id)::int as reports
  from jobs j where j.id = $1`;

const HEARTBEAT_MS = 15_000;

/**
 * The dashboard's side of the hub: its static files (public: the bundle holds no secret), a
 * read-only overview and a server-sent stream of a job's progress (both need the member token).
 */
export function dashboardRoutes(deps: DashboardDeps): Hono {
  const { db } = deps;
  const dir = deps.staticDir ?? dashboardDir();
  const pollMs = deps.pollMs ?? 250;
  const app = new Hono();

  const requireToken = async (c: Context, next: Next) => {
    if (c.req.header('authorization') !== `Bearer ${deps.token}`) {
      return c.json({ error: 'missing or wrong bearer token', status: 401 }, 401);
    }
    await next();
  };
  app.use('/v1/overview', requireToken);
  app.use('/v1/jobs/:id/events', requireToken);
  app.use('/v1/collabs/:collab/placements', requireToken);
  app.use('/v1/planner/scenario', requireToken);

  app.get('/v1/overview', async (c) =>
    c.json(await hubOverview(db, { name: deps.nodeName, keyId: deps.keyId })),
  );

  // Progress is read from the database, which every state change of a job goes through, so the
  // stream needs no hook into the driver and shows a resumed job just the same.
  app.get('/v1/jobs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!(await getJob(db, id))) throw new Refusal(404, `no job ${id}`);
    return streamSSE(c, async (stream) => {
      let seen = '';
      let quietSince = Date.now();
      let sequence = 0;
      while (!stream.aborted && !stream.closed) {
        const [progress] = await db.query(PROGRESS, [id]);
        const fingerprint = JSON.stringify(progress);
        if (fingerprint !== seen) {
          seen = fingerprint;
          const summary = await summarizeJob(db, id);
          if (!summary) break;
          await stream.writeSSE({
            event: 'summary',
            data: JSON.stringify(summary),
            id: String(++sequence),
          });
          quietSince = Date.now();
          if (summary.status !== 'running') break;
        } else if (Date.now() - quietSince > HEARTBEAT_MS) {
          // A comment line keeps idle connections (and proxies) from timing out.
          await stream.write(': still running\n\n');
          quietSince = Date.now();
        }
        await sleep(pollMs);
      }
    });
  });

  // The planner page: where the hub placed each job's aggregation (from the log), and the
  // shipped scenario's plan (`converge plan` in a child process, kept per objective).
  const listings = deps.recorder ? new PlacementListings(db, deps.recorder) : undefined;
  app.get('/v1/collabs/:collab/placements', async (c) => {
    const collab = c.req.param('collab');
    if (!(await getCollaboration(db, collab))) throw new Refusal(404, `no collaboration ${collab}`);
    if (!listings) return c.json({ collab, source: null, sites: [], placements: [] });
    return c.json(await listings.list(collab));
  });
  const plans = new ScenarioPlans();
  app.get('/v1/planner/scenario', async (c) => {
    const asked = c.req.query('objective') ?? 'balanced';
    const objective = OBJECTIVES.find((o) => o === asked);
    if (!objective) {
      throw new Refusal(400, `objective: must be one of ${OBJECTIVES.join(', ')}`);
    }
    try {
      return c.json(await plans.get(objective));
    } catch (e) {
      return c.json({ error: (e as Error).message, status: 503 }, 503);
    }
  });

  // Hash routing (#/training) means only "/" and the hashed assets are ever requested.
  app.get('/', async (c) => (await dashboardFile(dir, '/')) ?? notBuilt(c));
  app.get('/assets/*', async (c) => (await dashboardFile(dir, c.req.path)) ?? c.notFound());
  app.get('/favicon.svg', async (c) => (await dashboardFile(dir, c.req.path)) ?? c.notFound());

  return app;
}

function notBuilt(c: Context): Response {
  return c.text('the dashboard is not built: run npm run build\n', 404);
}
