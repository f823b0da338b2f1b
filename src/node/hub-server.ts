import { Hono } from 'hono';
import type { Context } from 'hono';
import {
  EnvelopeRefusal,
  EnvelopeVerifier,
  MemoryNonceStore,
  fromHeaders,
  sealEnvelope,
  toHeaders,
} from '../identity/index.js';
import type { NodeKey } from '../identity/index.js';
import { Hub, Refusal, findMember, getCollaboration, summarizeJob } from '../federation/index.js';
import type { Recorder } from '../federation/index.js';
import { toHttp } from '../ledger/log/routes.js';
import type { Db } from '../store/index.js';
import type { Logger } from './logger.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { DbNonceStore } from './nonce-store.js';

export const LONG_POLL_MS = 20_000;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_SKEW_MS = 120_000;

interface ServerDeps {
  hub: Hub;
  db: Db;
  key: NodeKey;
  log: Logger;
  token: string;
  nodeName: string;
  recorder?: Recorder;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new Refusal(400, 'request body is not JSON');
  }
}

/**
 * The hub's HTTP face. Site routes need a signed envelope from a member key; member routes
 * need the bearer token. Handlers only translate HTTP to hub calls and back.
 */
export function createHubApp(deps: ServerDeps): Hono {
  const { hub, db, key, log } = deps;
  // Members change only while the hub is stopped (`converge collab`), so their keys are
  // looked up once per process rather than once per message.
  const keys = new Map<string, Uint8Array>();
  const directory = {
    publicKey: async (collab: string, keyId: string) => {
      const cached = keys.get(`${collab}/${keyId}`);
      if (cached) return cached;
      const key = (await findMember(db, collab, keyId))?.publicKey;
      if (key) keys.set(`${collab}/${keyId}`, key);
      return key;
    },
  };
  // A report changes state, so its nonce is claimed durably: a replay is refused even after a
  // restart. A poll changes nothing (it only asks for the site's next task), so its nonce is
  // kept in memory, keeping the database off the long-poll path.
  const reportVerifier = new EnvelopeVerifier({
    directory,
    nonces: new DbNonceStore(db, 4 * MAX_SKEW_MS),
    maxSkewMs: MAX_SKEW_MS,
  });
  const pollVerifier = new EnvelopeVerifier({
    directory,
    nonces: new MemoryNonceStore({ windowMs: 4 * MAX_SKEW_MS }),
    maxSkewMs: MAX_SKEW_MS,
  });

  const app = new Hono();

  /** Verify the envelope of a site message, recording and answering any refusal. */
  async function verified(c: Context, type: string | undefined) {
    const collab = c.req.param('collab') ?? '';
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_BODY_BYTES)
      throw new Refusal(413, `body of ${length} bytes exceeds ${MAX_BODY_BYTES}`);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const sealed = fromHeaders(c.req.raw.headers);
    const verifier = type === 'poll' ? pollVerifier : reportVerifier;
    const envelope = await verifier.verify(sealed, body, { collab, ...(type ? { type } : {}) });
    return { envelope, sealed, body, collab };
  }

  async function refuse(c: Context, status: number, reason: string, sender?: string) {
    log.warn({ status, reason, sender, path: c.req.path }, 'refused message');
    await db.query(
      `insert into refusals (at, sender, collab_id, message_type, status, reason) values ($1, $2, $3, $4, $5, $6)`,
      [Date.now(), sender ?? null, c.req.param('collab') ?? null, c.req.path, status, reason],
    );
    return c.json({ error: reason, status }, status as 400);
  }

  app.onError(async (err, c) => {
    if (err instanceof EnvelopeRefusal) return refuse(c, err.status, err.message);
    if (err instanceof Refusal) return refuse(c, err.status, err.message);
    log.error({ err: err.message, path: c.req.path }, 'internal error');
    return c.json({ error: `internal error: ${err.message}`, status: 500 }, 500);
  });

  app.get('/v1/health', (c) => c.json({ node: deps.nodeName, keyId: key.keyId, ok: true }));

  app.post('/v1/collabs/:collab/tasks', async (c) => {
    const { envelope, collab } = await verified(c, 'poll');
    const posted = await hub.nextTask(collab, envelope.sender, LONG_POLL_MS, c.req.raw.signal);
    if (!posted) return c.body(null, 204);
    const sealed = sealEnvelope(
      key,
      { collab, type: 'task', round: posted.task.round },
      posted.frame,
    );
    return c.body(posted.frame as Uint8Array<ArrayBuffer>, 200, {
      ...toHeaders(sealed),
      'content-type': 'application/octet-stream',
    });
  });

  app.post('/v1/collabs/:collab/reports', async (c) => {
    const { envelope, sealed, body, collab } = await verified(c, undefined);
    const report = await hub.acceptReport(collab, envelope.sender, sealed, body);
    log.info(
      { site: envelope.sender, kind: report.kind, round: report.round, bytes: body.byteLength },
      'report accepted',
    );
    return c.json({ accepted: true, taskId: report.taskId, bytes: body.byteLength });
  });

  // The collaborations' transparency logs, read-only and public (tlog-tiles), so that anyone
  // can mirror and audit them; "checkpoint" is the latest one the witness quorum cosigned.
  const { recorder } = deps;
  if (recorder) {
    // Collaborations are created only while the hub is stopped: one lookup per id and process,
    // not one per tile a mirror fetches.
    const collabs = new Set<string>();
    const knownCollab = async (c: Context): Promise<string> => {
      const collab = c.req.param('collab') ?? '';
      if (collabs.has(collab)) return collab;
      if (!(await getCollaboration(db, collab)))
        throw new Refusal(404, `no collaboration ${collab}`);
      collabs.add(collab);
      return collab;
    };
    const text = (body: string, status = 200) =>
      new Response(body, {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
    app.get('/log/:collab/checkpoint', async (c) => {
      const note = await recorder.published(await knownCollab(c));
      return note ? text(note) : text('no checkpoint has been cosigned yet\n', 404);
    });
    app.get('/log/:collab/policy', async (c) => text(await recorder.policy(await knownCollab(c))));
    app.get('/log/:collab/status', async (c) =>
      c.json(await recorder.status(await knownCollab(c))),
    );
    app.get('/log/:collab/:path{tile/.+}', async (c) => {
      const log = await recorder.log(await knownCollab(c));
      return toHttp(await log.serve(c.req.param('path')));
    });
  }

  // Member API: the bearer token that `converge node start` prints.
  const requireToken = async (c: Context, next: () => Promise<void>) => {
    if (c.req.header('authorization') !== `Bearer ${deps.token}`) {
      return c.json({ error: 'missing or wrong bearer token', status: 401 }, 401);
    }
    await next();
  };
  app.use('/v1/jobs', requireToken);
  app.use('/v1/jobs/*', requireToken);
  app.use('/v1/refusals', requireToken);

  // Governance: members ask the hub to decide an action (logged), and raise the trust level.
  const governor = hub.governor;
  if (governor) {
    // Votes and the open proposal are public: a vote is authenticated by the member's signature.
    app.use('/v1/collabs/:collab/decisions', requireToken);
    app.use('/v1/collabs/:collab/trust/state', requireToken);
    app.use('/v1/collabs/:collab/trust/proposals', requireToken);
    app.get('/v1/collabs/:collab/trust/proposal', async (c) => {
      const open = await governor.trust.openProposal(c.req.param('collab'));
      if (!open) throw new Refusal(404, `no open trust proposal in ${c.req.param('collab')}`);
      return c.json(open.proposal);
    });
    app.post('/v1/collabs/:collab/decisions', async (c) => {
      const outcome = await governor.decide(c.req.param('collab'), await jsonBody(c));
      return c.json(outcome);
    });
    app.get('/v1/collabs/:collab/trust/state', async (c) =>
      c.json(await governor.view(c.req.param('collab'))),
    );
    app.post('/v1/collabs/:collab/trust/proposals', async (c) => {
      const { proposer } = (await jsonBody(c)) as { proposer?: unknown };
      if (typeof proposer !== 'string') throw new Refusal(400, 'proposer: expected a member name');
      return c.json(await governor.propose(c.req.param('collab'), proposer), 201);
    });
    app.post('/v1/collabs/:collab/trust/votes', async (c) => {
      const { member, signature } = (await jsonBody(c)) as {
        member?: unknown;
        signature?: unknown;
      };
      if (typeof member !== 'string' || typeof signature !== 'string') {
        throw new Refusal(400, 'a vote is { "member": <name>, "signature": <base64 Ed25519> }');
      }
      return c.json(await governor.vote(c.req.param('collab'), member, signature));
    });
    // Pack changes: public like trust votes; a submission and a vote carry the member's signature.
    app.get('/v1/collabs/:collab/policy/packs', async (c) =>
      c.json(await governor.packs.inForce(c.req.param('collab'))),
    );
    app.get('/v1/collabs/:collab/policy/proposals', async (c) =>
      c.json(await governor.packs.open(c.req.param('collab'))),
    );
    app.post('/v1/collabs/:collab/policy/proposals', async (c) =>
      c.json(await governor.packs.propose(c.req.param('collab'), await jsonBody(c)), 201),
    );
    app.get('/v1/collabs/:collab/policy/proposals/:id', async (c) =>
      c.json(await governor.packs.get(c.req.param('collab'), c.req.param('id'))),
    );
    app.post('/v1/collabs/:collab/policy/proposals/:id/votes', async (c) =>
      c.json(
        await governor.packs.vote(c.req.param('collab'), c.req.param('id'), await jsonBody(c)),
      ),
    );
  }

  app.get('/v1/refusals', async (c) => {
    const rows = await db.query(
      'select id, at, sender, collab_id as collab, message_type as route, status, reason from refusals order by id desc limit 500',
    );
    return c.json(rows);
  });

  // Federated analytics (`converge query`): asked and polled by members with the token.
  app.use('/v1/collabs/:collab/queries', requireToken);
  app.use('/v1/collabs/:collab/queries/*', requireToken);
  app.post('/v1/collabs/:collab/queries', async (c) =>
    c.json(await hub.startQuery(c.req.param('collab'), await jsonBody(c)), 202),
  );
  app.get('/v1/collabs/:collab/queries/:id', (c) =>
    c.json(hub.query(c.req.param('collab'), c.req.param('id'))),
  );

  app.post('/v1/jobs', async (c) => {
    const body = (await jsonBody(c)) as { collab?: unknown; spec?: unknown };
    if (typeof body.collab !== 'string')
      throw new Refusal(400, 'collab: expected a collaboration id');
    const job = await hub.startJob(body.collab, body.spec);
    return c.json({ id: job.id, status: job.status, phase: job.phase }, 201);
  });

  // The dashboard (static files at "/", overview, progress stream, planner): dashboard-routes.ts.
  app.route(
    '/',
    dashboardRoutes({
      db,
      token: deps.token,
      nodeName: deps.nodeName,
      keyId: key.keyId,
      recorder: deps.recorder,
    }),
  );

  app.get('/v1/jobs/:id', async (c) => {
    const summary = await summarizeJob(db, c.req.param('id'));
    if (!summary) throw new Refusal(404, `no job ${c.req.param('id')}`);
    return c.json(summary);
  });

  return app;
}
