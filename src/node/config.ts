import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DatasetConfig } from '../learning/index.js';
import { AnalyticsTable } from '../analytics/index.js';
import { isJurisdiction } from './jurisdictions.js';

/** `member`: an institution in a collaboration with no data site (yet); it votes, proposes, asks. */
export const NodeRole = z.enum(['hub', 'site', 'witness', 'compute', 'member']);
export type NodeRole = z.infer<typeof NodeRole>;

/** Where a site finds its hub, and the key it expects the hub to sign with. */
export const HubLink = z.object({
  url: z.string().url(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/, 'a 16-hex-digit key id'),
  publicKey: z.string().min(1, 'base64 Ed25519 public key'),
});

export const NodeConfig = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, at most 63'),
  institution: z.string().min(1),
  jurisdiction: z
    .string()
    .refine(isJurisdiction, 'an ISO 3166-1 alpha-2 code such as US, CN, DE, HU, CH'),
  roles: z.array(NodeRole).min(1),
  listen: z
    .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535) })
    .optional(),
  hub: HubLink.optional(),
  collaborations: z.array(z.string()).default([]),
  datasets: z.array(DatasetConfig).default([]),
  /** Tables this site offers to federated analytics only (`converge query`), never to training. */
  tables: z.array(AnalyticsTable).default([]),
  /**
   * A hub's compute sites, a sites file in `converge plan`'s format (a relative path is
   * relative to the node directory): where jobs' aggregation may run. Without it the hub
   * offers only itself.
   */
  computeSites: z.string().min(1).optional(),
});
export type NodeConfig = z.infer<typeof NodeConfig>;

/** The public card a node hands to others: everything a hub needs to admit it, nothing secret. */
export const IdentityCard = z.object({
  name: z.string(),
  institution: z.string(),
  jurisdiction: z.string(),
  roles: z.array(NodeRole),
  keyId: z.string(),
  publicKey: z.string(),
});
export type IdentityCard = z.infer<typeof IdentityCard>;

export const CONFIG_FILE = 'node.json';
export const IDENTITY_FILE = 'identity.json';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Write via a temporary file and rename, so a crash never leaves a half-written config. */
export async function writeJsonFile(path: string, value: unknown, mode = 0o644): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode });
  await rename(tmp, path);
}

export function loadNodeConfig(dir: string): Promise<NodeConfig> {
  return readJsonFile(join(dir, CONFIG_FILE), NodeConfig);
}

export function saveNodeConfig(dir: string, config: NodeConfig): Promise<void> {
  return writeJsonFile(join(dir, CONFIG_FILE), config);
}
