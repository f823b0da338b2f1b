import { existsSync } from 'node:fs';
import { mkdir, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  generateNodeKey,
  loadNodeKey,
  publicKeyToBase64,
  writeNodeKey,
} from '../identity/index.js';
import type { NodeKey } from '../identity/index.js';
import {
  CONFIG_FILE,
  ConfigError,
  IDENTITY_FILE,
  IdentityCard,
  NodeConfig,
  describeZodError,
  loadNodeConfig,
  readJsonFile,
  saveNodeConfig,
  writeJsonFile,
} from './config.js';

/**
 * A node directory holds everything one institution's node owns: its private key (never
 * leaves), its config, its database and its public identity card for others.
 */
export interface NodeDirectory {
  dir: string;
  config: NodeConfig;
  key: NodeKey;
}

export async function initNodeDirectory(dir: string, config: unknown): Promise<NodeDirectory> {
  const parsed = NodeConfig.safeParse(config);
  if (!parsed.success)
    throw new ConfigError(`invalid node config: ${describeZodError(parsed.error)}`);
  if (existsSync(join(dir, CONFIG_FILE))) {
    throw new ConfigError(
      `${dir} already holds a node (${CONFIG_FILE} exists); refusing to overwrite`,
    );
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const key = generateNodeKey();
  await writeNodeKey(dir, key);
  await saveNodeConfig(dir, parsed.data);
  await writeJsonFile(join(dir, IDENTITY_FILE), identityCard(parsed.data, key));
  return { dir, config: parsed.data, key };
}

export function identityCard(config: NodeConfig, key: NodeKey): IdentityCard {
  return {
    name: config.name,
    institution: config.institution,
    jurisdiction: config.jurisdiction,
    roles: config.roles,
    keyId: key.keyId,
    publicKey: publicKeyToBase64(key.publicKey),
  };
}

export async function openNodeDirectory(dir: string): Promise<NodeDirectory> {
  const config = await loadNodeConfig(dir);
  const key = await loadNodeKey(dir);
  return { dir, config, key };
}

export function readIdentityCard(path: string): Promise<IdentityCard> {
  return readJsonFile(path, IdentityCard);
}

const TOKEN_FILE = 'api-token';

/** The bearer token for the node's member API: made once, kept 0600 beside the key. */
export async function apiToken(dir: string): Promise<string> {
  const path = join(dir, TOKEN_FILE);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, token + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return token;
}

export const ENDPOINT_FILE = join('run', 'endpoint.json');

/** Where a running hub listens, written once the socket is bound (port 0 picks a free one). */
export async function writeEndpoint(dir: string, endpoint: { url: string; pid: number }) {
  await mkdir(join(dir, 'run'), { recursive: true });
  await writeJsonFile(join(dir, ENDPOINT_FILE), endpoint);
}
