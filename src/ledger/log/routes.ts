import { Hono } from 'hono';
import type { TileResponse } from './serve.js';

// The tlog-tiles read API as a Hono sub-app; the hub mounts one per collaboration, e.g.
// app.route(`/log/${collab}`, tileRoutes(log)).

/** Anything that answers tlog-tiles paths: a TileLog, or serveTile bound to a directory. */
export interface TileServer {
  serve(path: string): Promise<TileResponse>;
}

export function tileRoutes(log: TileServer): Hono {
  const app = new Hono();
  app.get('/checkpoint', async () => toHttp(await log.serve('checkpoint')));
  app.get('/:path{tile/.+}', async (c) => toHttp(await log.serve(c.req.param('path'))));
  return app;
}

export function toHttp({ status, body, contentType, cacheControl }: TileResponse): Response {
  // A copy, typed as backed by a plain ArrayBuffer as the fetch types require; tiles are 8 KiB.
  return new Response(typeof body === 'string' ? body : body.slice(), {
    status,
    headers: { 'content-type': contentType, 'cache-control': cacheControl },
  });
}
