import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { NodeKey, publicKeyFromBase64, publicKeyToBase64 } from './node-key.js';

export interface NodeKeyPaths {
  dir: string;
  privateKey: string;
  publicKey: string;
}

/** `<nodeDir>/keys/node.key` (PKCS#8 PEM, 0600) and `<nodeDir>/keys/node.pub` (raw, base64). */
export function nodeKeyPaths(nodeDir: string): NodeKeyPaths {
  const dir = path.join(nodeDir, 'keys');
  return {
    dir,
    privateKey: path.join(dir, 'node.key'),
    publicKey: path.join(dir, 'node.pub'),
  };
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes `contents` to a fresh temporary file created with its final `mode`, then links it into
 * place. Creating with the mode (umask can only remove bits) means the file is never readable by
 * others, even briefly; `link`, unlike `rename`, fails when the target exists, so an existing key
 * is never replaced, even by a concurrent writer.
 */
async function writeNewFile(file: string, contents: string, mode: number): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.link(temp, file);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') throw new Error(`refusing to overwrite existing ${file}`);
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

/** Saves a new node key. Refuses to overwrite: losing a node key orphans its identity. */
export async function writeNodeKey(nodeDir: string, key: NodeKey): Promise<NodeKeyPaths> {
  const paths = nodeKeyPaths(nodeDir);
  await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await fs.chmod(paths.dir, 0o700); // mkdir leaves an existing, looser directory as it was
  for (const file of [paths.privateKey, paths.publicKey]) {
    if (await exists(file)) throw new Error(`refusing to overwrite existing ${file}`);
  }
  const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeNewFile(paths.privateKey, pem, 0o600);
  await writeNewFile(paths.publicKey, `${publicKeyToBase64(key.publicKey)}\n`, 0o644);
  return paths;
}

async function readPrivateKeyFile(file: string): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new Error(`no node key at ${file}`);
    throw error;
  }
  try {
    // stat the open handle, not the path, so the mode checked is the mode of what we read
    const { mode } = await handle.stat();
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(
        `refusing to load node key ${file}: mode ${octal} lets group or others access it; ` +
          `run: chmod 600 ${file}`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Loads the node key, refusing a key file others can access or one that contradicts node.pub. */
export async function loadNodeKey(nodeDir: string): Promise<NodeKey> {
  const paths = nodeKeyPaths(nodeDir);
  const pem = await readPrivateKeyFile(paths.privateKey);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`${paths.privateKey} is not a PEM-encoded private key`);
  }
  const key = new NodeKey(privateKey);
  if (await exists(paths.publicKey)) {
    const published = publicKeyFromBase64(await fs.readFile(paths.publicKey, 'utf8'));
    if (publicKeyToBase64(published) !== publicKeyToBase64(key.publicKey)) {
      throw new Error(`${paths.publicKey} does not match the private key in ${paths.privateKey}`);
    }
  }
  return key;
}
