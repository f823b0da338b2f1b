import { Hono } from 'hono';
import type { Witness, WitnessResponse } from './witness.js';

// A witness over HTTP: tlog-witness's POST /add-checkpoint, and GET /latest/<origin> (the
// origin URL-encoded as one path segment) so witnesses can compare what they cosigned.

/** Far above any real request (63 proof lines and a checkpoint with 100 signatures). */
export const MAX_REQUEST_BYTES = 64 * 1024;

export function witnessRoutes(witness: Witness): Hono {
  const app = new Hono();
  app.post('/add-checkpoint', async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_REQUEST_BYTES)
      return send({ status: 413, body: 'too large\n', contentType: 'text/plain' });
    const body = await c.req.text();
    if (body.length > MAX_REQUEST_BYTES)
      return send({ status: 413, body: 'too large\n', contentType: 'text/plain' });
    return send(await witness.addCheckpoint(body));
  });
  app.get('/latest/:origin', async (c) => {
    const note = await witness.latest(c.req.param('origin'));
    if (note === undefined) {
      return send({
        status: 404,
        body: 'nothing cosigned for that log\n',
        contentType: 'text/plain',
      });
    }
    return send({ status: 200, body: note, contentType: 'text/plain; charset=utf-8' });
  });
  return app;
}

function send({ status, body, contentType }: WitnessResponse): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  });
}
