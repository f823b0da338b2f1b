import { sign, verify } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  generateNodeKey,
  loadNodeKey,
  nodeKeyPaths,
  publicKeyToBase64,
  writeNodeKey,
} from '../../src/identity/index.js';

const modeOf = async (file: string) => (await fs.stat(file)).mode & 0o777;

let nodeDir: string;

beforeEach(async () => {
  nodeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'converge-identity-'));
});

afterEach(async () => {
  await fs.rm(nodeDir, { recursive: true, force: true });
});

describe('writeNodeKey', () => {
  it('writes node.key (PKCS#8 PEM, 0600) and node.pub (base64 + newline) in a 0700 keys dir', async () => {
    const key = generateNodeKey();
    const paths = await writeNodeKey(nodeDir, key);
    expect(paths).toEqual(nodeKeyPaths(nodeDir));
    expect(paths.privateKey).toBe(path.join(nodeDir, 'keys', 'node.key'));
    expect(await modeOf(paths.dir)).toBe(0o700);
    expect(await modeOf(paths.privateKey)).toBe(0o600);
    expect(await fs.readFile(paths.privateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await fs.readFile(paths.publicKey, 'utf8')).toBe(
      `${publicKeyToBase64(key.publicKey)}\n`,
    );
    expect((await fs.readdir(paths.dir)).sort()).toEqual(['node.key', 'node.pub']);
  });

  // process.umask(mask) is refused in worker threads; vitest's default forks pool allows it.
  it.runIf(isMainThread)('creates files with their final mode, whatever the umask', async () => {
    const modesAtCreation = new Map<string, number>();
    const realOpen = fs.open.bind(fs);
    const spy = vi.spyOn(fs, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      modesAtCreation.set(path.basename(String(file)), (await handle.stat()).mode & 0o777);
      return handle;
    });
    const previous = process.umask(0);
    try {
      const paths = await writeNodeKey(nodeDir, generateNodeKey());
      expect(await modeOf(paths.privateKey)).toBe(0o600);
      expect(await modeOf(paths.dir)).toBe(0o700);
    } finally {
      process.umask(previous);
      spy.mockRestore();
    }
    const keyTemp = [...modesAtCreation].filter(([name]) => name.startsWith('node.key.'));
    expect(keyTemp).toHaveLength(1);
    expect(keyTemp[0]?.[1]).toBe(0o600); // already private before any byte of the key is written
  });

  it('tightens an existing, looser keys dir', async () => {
    await fs.mkdir(path.join(nodeDir, 'keys'), { mode: 0o755 });
    await fs.chmod(path.join(nodeDir, 'keys'), 0o755);
    await writeNodeKey(nodeDir, generateNodeKey());
    expect(await modeOf(path.join(nodeDir, 'keys'))).toBe(0o700);
  });

  it('refuses to overwrite an existing key, keeping the original', async () => {
    const first = generateNodeKey();
    const paths = await writeNodeKey(nodeDir, first);
    await expect(writeNodeKey(nodeDir, generateNodeKey())).rejects.toThrow(
      `refusing to overwrite existing ${paths.privateKey}`,
    );
    expect((await loadNodeKey(nodeDir)).keyId).toBe(first.keyId);
    expect((await fs.readdir(paths.dir)).sort()).toEqual(['node.key', 'node.pub']);
  });

  it('refuses when only node.pub exists', async () => {
    const paths = nodeKeyPaths(nodeDir);
    await fs.mkdir(paths.dir, { recursive: true });
    await fs.writeFile(paths.publicKey, 'x\n');
    await expect(writeNodeKey(nodeDir, generateNodeKey())).rejects.toThrow(
      `refusing to overwrite existing ${paths.publicKey}`,
    );
  });

  it('lets only one of two concurrent writers win', async () => {
    const results = await Promise.allSettled([
      writeNodeKey(nodeDir, generateNodeKey()),
      writeNodeKey(nodeDir, generateNodeKey()),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await expect(loadNodeKey(nodeDir)).resolves.toBeDefined();
  });
});

describe('loadNodeKey', () => {
  it('loads the key that was written', async () => {
    const key = generateNodeKey();
    await writeNodeKey(nodeDir, key);
    const loaded = await loadNodeKey(nodeDir);
    expect(loaded.keyId).toBe(key.keyId);
    expect(loaded.publicKey).toEqual(key.publicKey);
    const signature = sign(null, Buffer.from('m'), loaded.privateKey);
    expect(verify(null, Buffer.from('m'), key.privateKey, signature)).toBe(true);
  });

  it.each([0o644, 0o640, 0o604, 0o620, 0o660])('refuses a key file with mode %o', async (mode) => {
    const { privateKey } = await writeNodeKey(nodeDir, generateNodeKey());
    await fs.chmod(privateKey, mode);
    await expect(loadNodeKey(nodeDir)).rejects.toThrow(
      `refusing to load node key ${privateKey}: mode 0${mode.toString(8)} lets group or others access it; run: chmod 600`,
    );
  });

  it('accepts a 0400 key file', async () => {
    const { privateKey } = await writeNodeKey(nodeDir, generateNodeKey());
    await fs.chmod(privateKey, 0o400);
    await expect(loadNodeKey(nodeDir)).resolves.toBeDefined();
  });

  it('says where it looked when there is no key', async () => {
    await expect(loadNodeKey(nodeDir)).rejects.toThrow(
      `no node key at ${path.join(nodeDir, 'keys', 'node.key')}`,
    );
  });

  it('refuses a key file that is not a PEM private key', async () => {
    const { privateKey } = await writeNodeKey(nodeDir, generateNodeKey());
    await fs.chmod(privateKey, 0o600);
    await fs.writeFile(privateKey, 'garbage');
    await expect(loadNodeKey(nodeDir)).rejects.toThrow('is not a PEM-encoded private key');
  });

  it('refuses a node.pub that belongs to a different key', async () => {
    const paths = await writeNodeKey(nodeDir, generateNodeKey());
    await fs.writeFile(paths.publicKey, `${publicKeyToBase64(generateNodeKey().publicKey)}\n`);
    await expect(loadNodeKey(nodeDir)).rejects.toThrow(
      `${paths.publicKey} does not match the private key in ${paths.privateKey}`,
    );
  });

  it('loads without node.pub', async () => {
    const key = generateNodeKey();
    const paths = await writeNodeKey(nodeDir, key);
    await fs.rm(paths.publicKey);
    expect((await loadNodeKey(nodeDir)).keyId).toBe(key.keyId);
  });
});
