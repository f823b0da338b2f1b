import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PolicyEngine, type PolicyEngineOptions } from './engine.js';
import { PolicyError } from './errors.js';
import type { PackSource } from './pack.js';

export const SCHEMA_FILE = 'converge.cedarschema';

/** The repository's policies/ folder, found by walking up from this file (src or dist). */
export function defaultPolicyDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'policies', SCHEMA_FILE))) return join(dir, 'policies');
    const parent = dirname(dir);
    if (parent === dir) throw new PolicyError('unknown-pack', 'cannot find the policies/ folder');
    dir = parent;
  }
}

/** One pack from `<dir>/<name>.cedar` and `<dir>/<name>.meta.json`. */
export function readPackSource(dir: string, name: string): PackSource {
  const cedarPath = join(dir, `${name}.cedar`);
  const metaPath = join(dir, `${name}.meta.json`);
  for (const path of [cedarPath, metaPath]) {
    if (!existsSync(path))
      throw new PolicyError('unknown-pack', `pack "${name}": ${path} is missing`);
  }
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new PolicyError('invalid-pack', `pack "${name}": ${metaPath} is not JSON`, [why]);
  }
  return { name, cedar: readFileSync(cedarPath, 'utf8'), meta };
}

/** The schema and every pack in a folder (each `*.cedar` with its `.meta.json`). */
export function readPolicyDir(dir: string = defaultPolicyDir()): {
  schema: string;
  packs: PackSource[];
} {
  const schemaPath = join(dir, SCHEMA_FILE);
  if (!existsSync(schemaPath)) throw new PolicyError('invalid-schema', `${schemaPath} is missing`);
  const names = readdirSync(dir)
    .filter((file) => file.endsWith('.cedar'))
    .map((file) => file.slice(0, -'.cedar'.length))
    .sort();
  return {
    schema: readFileSync(schemaPath, 'utf8'),
    packs: names.map((n) => readPackSource(dir, n)),
  };
}

/** An engine over a policies folder (default: the repository's). */
export function loadPolicyEngine(
  dir?: string,
  options: Omit<PolicyEngineOptions, 'schema' | 'packs'> = {},
): PolicyEngine {
  return PolicyEngine.create({ ...readPolicyDir(dir), ...options });
}

/**
 * The sample requests of a policies folder (`examples/*.json`), undated so that they are
 * decided for today: a hub tries every proposed pack change on them. None if there are none.
 */
export function readExampleRequests(
  dir: string = defaultPolicyDir(),
): { label: string; request: unknown }[] {
  const examples = join(dir, 'examples');
  if (!existsSync(examples)) return [];
  return readdirSync(examples)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const path = join(examples, file);
      let request: unknown;
      try {
        request = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new PolicyError('malformed-request', `${path} is not JSON`, [why]);
      }
      if (typeof request === 'object' && request !== null && !Array.isArray(request)) {
        const { date: _date, ...undated } = request as Record<string, unknown>;
        request = undated;
      }
      return { label: file, request };
    });
}
