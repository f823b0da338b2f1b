import { Hono } from 'hono';
import type { Context, Next } from 'hono';
import { Refusal, getCollaboration, getJob } from '../federation/index.js';
import type { Recorder } from '../federation/index.js';
import { OBJECTIVES } from '../planner/index.js';
import type { Db } from '../store/index.js';
import { streamChanges } from './change-stream.js';
import {
  hubOverview,
  jobInView,
  LoggedPackChanges,
  overviewFingerprint,
  packVersions,
  type PackVersionsView,
} from './dashboard-overview.js';
import { dashboardDir, dashboardFile } from './dashboard-static.js';
import { JobSummaries } from './job-summaries.js';
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

/**
 * The dashboard's side of the hub: its static files (public: the bundle holds no secret), a
 * read-only overview, server-sent streams of it and of a job's progress (the member token).
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
  app.use('/v1/overview/events', requireToken);
  app.use('/v1/jobs/:id/events', requireToken);
  app.use('/v1/collabs/:collab/placements', requireToken);
  app.use('/v1/planner/scenario', requireToken);
  app.use('/v1/collabs/:collab/policy/versions', requireToken);

  const summaries = new JobSummaries(db);
  const node = { name: deps.nodeName, keyId: deps.keyId };
  const overview = async () => {
    const view = await hubOverview(db, node);
    // Read ahead: the Training page asks for this job's summary next.
    const shown = jobInView(view);
    if (shown) summaries.get(shown).catch(() => undefined);
    return view;
  };

  app.get('/v1/overview', async (c) => c.json(await overview()));

  // The overview again whenever a collaboration, member, job or trust level changes: the
  // dashboard's job list follows it, so a new job appears without a reload.
  app.get('/v1/overview/events', (c) =>
    streamChanges(c, {
      event: 'overview',
      fingerprint: () => overviewFingerprint(db),
      snapshot: overview,
      pollMs: pollMs * 2,
    }),
  );

  // Progress is read from the database, which every state change of a job goes through, so the
  // stream needs no hook into the driver and shows a resumed job just the same.
  app.get('/v1/jobs/:id/events', async (c) => {
    const id = c.req.param('id');
    if (!(await getJob(db, id))) throw new Refusal(404, `no job ${id}`);
    return streamChanges(c, {
      event: 'summary',
      fingerprint: () => summaries.progress(id),
      snapshot: (progress) => summaries.get(id, progress),
      last: (summary) => summary.status !== 'running',
      pollMs,
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

  // The Collaborations page: the metadata of each pack version that can be in force (the
  // hub's own, those voted in), and the log's policy.changed entries, beside the hub's
  // /policy/packs and /policy/proposals.
  const changes = deps.recorder ? new LoggedPackChanges(deps.recorder) : undefined;
  app.get('/v1/collabs/:collab/policy/versions', async (c) => {
    const collab = c.req.param('collab');
    if (!(await getCollaboration(db, collab))) throw new Refusal(404, `no collaboration ${collab}`);
    const view: PackVersionsView = {
      collab,
      versions: await packVersions(db, collab),
      changes: changes ? await changes.list(collab) : [],
    };
    return c.json(view);
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
