import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  ProofError,
  SignatureError,
  TileClient,
  TileLog,
  auditLog,
  ed25519Signer,
  newVerifier,
  serveTile,
  tileRoutes,
  verifyConsistency,
} from '../../src/ledger/index.js';
import { ORIGIN, entries, hex, logSigner, logVerifier, tempDir } from './fixtures/logs.js';

// The tlog-tiles read API: serveTile over a directory, the Hono sub-app the hub mounts at
// /log/<collab>/, and a TileClient reading the log back through it.

async function hub(size: number) {
  const dir = await tempDir();
  const log = await TileLog.open(dir, { origin: ORIGIN, signer: logSigner });
  if (size > 0) await log.append(entries(0, size));
  const app = new Hono().route('/log/collab-1', tileRoutes(log));
  const fetch = (input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof URL ? input.href : input, init);
  const client = new TileClient('http://hub.test/log/collab-1/', {
    origin: ORIGIN,
    verifiers: [logVerifier],
    fetch: fetch as typeof globalThis.fetch,
  });
  return { dir, log, app, client, fetch: fetch as typeof globalThis.fetch };
}

describe('serveTile', () => {
  it('answers each kind of path with the right status, type and caching', async () => {
    const { dir, log } = await hub(300);
    await log.close();
    const checkpoint = await serveTile(dir, 'checkpoint');
    expect(checkpoint).toMatchObject({
      status: 200,
      contentType: 'text/plain; charset=utf-8',
      cacheControl: 'public, max-age=5',
    });
    expect(String(checkpoint.body).split('\n').slice(0, 2)).toEqual([ORIGIN, '300']);

    const full = await serveTile(dir, 'tile/0/000');
    expect(full).toMatchObject({
      status: 200,
      contentType: 'application/octet-stream',
      cacheControl: 'public, max-age=31536000, immutable',
    });
    expect((full.body as Uint8Array).length).toBe(8192);
    expect((await serveTile(dir, 'tile/0/001.p/44')).status).toBe(200);
    expect((await serveTile(dir, 'tile/entries/001.p/44')).status).toBe(200);
    expect((await serveTile(dir, 'tile/1/000.p/1')).status).toBe(200);

    // Past the committed tree; a partial the log deleted; malformed; unknown.
    for (const path of ['tile/0/001', 'tile/0/001.p/45', 'tile/2/000.p/1', 'tile/0/000.p/7']) {
      const response = await serveTile(dir, path);
      expect([path, response.status, response.cacheControl]).toEqual([path, 404, 'no-store']);
    }
    for (const path of ['tile/0/1', 'tile/0/000.p/256', 'tile/64/000', 'tile/entries/x000/001']) {
      expect([path, (await serveTile(dir, path)).status]).toEqual([path, 400]);
    }
    expect((await serveTile(dir, 'lock')).status).toBe(404);
    expect((await serveTile(dir, '../etc/passwd')).status).toBe(404);
  });

  it('has no checkpoint for a directory that holds no log', async () => {
    expect((await serveTile(await tempDir(), 'checkpoint')).status).toBe(404);
  });
});

describe('tileRoutes and TileClient', () => {
  it('serve the log over HTTP with the tlog-tiles headers', async () => {
    const { app, log } = await hub(10);
    const response = await app.request('/log/collab-1/tile/entries/000.p/10');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await response.arrayBuffer())[1]).toBe(entries(0, 1)[0]!.length);
    expect((await app.request('/log/collab-1/checkpoint')).status).toBe(200);
    expect((await app.request('/log/collab-1/tile/0/00')).status).toBe(400);
    expect((await app.request('/log/collab-1/nothing')).status).toBe(404);
    await log.close();
  });

  it('reads back verified entries, proofs and a full audit', async () => {
    const { client, log } = await hub(1000);
    const { checkpoint } = await client.checkpoint();
    expect(checkpoint.size).toBe(1000);
    expect(hex(checkpoint.root)).toBe(hex(log.root()));
    expect(await client.entry(999, checkpoint)).toEqual(entries(999, 1000)[0]);
    expect(await client.entry(0, checkpoint)).toEqual(entries(0, 1)[0]);
    const { checkpoint: old } = await client.checkpoint();
    await log.append(entries(1000, 1500));
    const { checkpoint: newer } = await client.checkpoint();
    const proof = await client.proveConsistency(old.size, newer);
    expect(
      verifyConsistency({
        size1: old.size,
        size2: newer.size,
        proof,
        root1: old.root,
        root2: newer.root,
      }),
    ).toBe(true);
    expect(await client.proveInclusion(5, newer)).toEqual(await log.proveInclusion(5));
    await expect(auditLog(client, newer)).resolves.toEqual({ entries: 1500, tilesCompared: 7 });
    await log.close();
  });

  it('falls back to the full tile once a partial one is gone', async () => {
    const { client, log } = await hub(100);
    const { checkpoint: at100 } = await client.checkpoint();
    await log.append(entries(100, 300)); // completes tile 0; its partials are deleted
    await log.close();
    expect(await client.entry(99, at100)).toEqual(entries(99, 100)[0]);
    expect(await client.proveInclusion(42, at100)).toHaveLength(7);
  });

  it('rejects a checkpoint by an unknown key or for another log, and a tampered tile', async () => {
    const { client, dir, log, fetch } = await hub(600);
    const stranger = new TileClient('http://hub.test/log/collab-1', {
      origin: ORIGIN,
      verifiers: [newVerifier(ed25519Signer(ORIGIN, new Uint8Array(32).fill(1)).vkey)],
      fetch,
    });
    await expect(stranger.checkpoint()).rejects.toThrow(SignatureError);
    const other = new TileClient('http://hub.test/log/collab-1', {
      origin: 'another/log',
      verifiers: [logVerifier],
      fetch,
    });
    await expect(other.checkpoint()).rejects.toThrow(`checkpoint is for ${ORIGIN}`);

    const { checkpoint } = await client.checkpoint();
    const path = join(dir, 'tile/0/001');
    const tile = new Uint8Array(await readFile(path));
    tile[5]! ^= 0xff; // leaf 256: the sibling in entry 257's proof
    await writeFile(path, tile);
    await expect(client.entry(257, checkpoint)).rejects.toThrow(ProofError);
    await log.close();
  });
});
