import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultPolicyDir,
  PolicyEngine,
  PolicyError,
  readPackSource,
  SCHEMA_FILE,
} from '../policy/index.js';
import { shortHash, withPolicyErrors, type PolicyOutcome } from './policy-io.js';

export type PackValidation =
  | {
      readonly pack: string;
      readonly ok: true;
      readonly version: string;
      readonly policies: number;
      readonly hash: string;
    }
  | { readonly pack: string; readonly ok: false; readonly diagnostics: readonly string[] };

/**
 * Validate every pack of a folder on its own (strict Cedar validation against the folder's
 * schema, plus the engine's checks on annotations and metadata), so one broken pack does not
 * hide the state of the others. A schema that does not load is an error: nothing can be checked.
 */
export function validatePolicyDir(dir: string = defaultPolicyDir()): PackValidation[] {
  const schemaPath = join(dir, SCHEMA_FILE);
  if (!existsSync(schemaPath)) throw new Error(`${schemaPath}: no such file`);
  const schema = readFileSync(schemaPath, 'utf8');
  const engine = withPolicyErrors(schemaPath, () => PolicyEngine.create({ schema, packs: [] }));
  return packNames(dir).map((name): PackValidation => {
    try {
      const check = engine.checkPack(readPackSource(dir, name));
      if (!check.ok) return { pack: name, ok: false, diagnostics: check.diagnostics };
      const { version, policies, hash } = check.pack;
      return { pack: name, ok: true, version, policies: policies.length, hash };
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      return { pack: name, ok: false, diagnostics: [error.message, ...error.details] };
    }
  });
}

/** Names from both halves of a pack, so a metadata file without its Cedar file is reported too. */
function packNames(dir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    const match = /^(.+)\.(cedar|meta\.json)$/.exec(file);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  if (names.size === 0) throw new Error(`${dir}: no policy packs (*.cedar) in this folder`);
  return [...names].sort();
}

/** All valid exits 0; any invalid pack 2. */
export function validationOutcome(results: readonly PackValidation[], json = false): PolicyOutcome {
  const exitCode = results.every((r) => r.ok) ? 0 : 2;
  if (json) return { output: JSON.stringify(results, null, 2), exitCode };
  const width = Math.max(...results.map((r) => r.pack.length));
  const lines = results.flatMap((r) =>
    r.ok
      ? [
          `ok    ${r.pack.padEnd(width)}  ${r.version}  ${r.policies} policies  ${shortHash(r.hash)}`,
        ]
      : [`FAIL  ${r.pack}`, ...r.diagnostics.map((d) => `  ${d}`)],
  );
  const failed = results.filter((r) => !r.ok).length;
  lines.push(
    failed === 0
      ? `${results.length} packs valid (strict schema validation)`
      : `${failed} of ${results.length} packs invalid: the engine keeps the version in force`,
  );
  return { output: lines.join('\n'), exitCode };
}
