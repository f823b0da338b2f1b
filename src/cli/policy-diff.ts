import { join } from 'node:path';
import {
  comparePacks,
  diffPacks,
  PolicyEngine,
  readPolicyDir,
  SCHEMA_FILE,
  type DiffEntry,
  type PackDiff,
  type PolicyChange,
  type PolicyPack,
} from '../policy/index.js';
import { type LabelledRequest, policyErrorLine, shortHash, withPolicyErrors } from './policy-io.js';

interface Version {
  readonly version: string;
  readonly hash: string;
}

export interface PackVersionDiff {
  readonly pack: string;
  readonly status: 'changed' | 'added' | 'removed' | 'unchanged';
  readonly from?: Version;
  readonly to?: Version;
  /** Pack-level metadata that changed: version, title, scope, sources. */
  readonly metadata: readonly string[];
  readonly policies: readonly PolicyChange[];
  /** How the sample requests fare under the new version (changed packs, samples given). */
  readonly samples?: PackDiff;
}

export interface FolderDiff {
  readonly packs: readonly PackVersionDiff[];
  readonly sampleLabels: readonly string[];
}

/**
 * What changes between two policies folders, pack by pack, as members see it before they vote:
 * the policies added, removed or changed, and which sample requests each changed pack would
 * newly allow or deny (diffPacks, one pack replaced at a time, as each change is voted on
 * alone). Both folders must share one schema: a pack version is only comparable under it.
 */
export function diffPolicyDirs(
  oldDir: string,
  newDir: string,
  samples: readonly LabelledRequest[] = [],
): FolderDiff {
  const before = withPolicyErrors(oldDir, () => readPolicyDir(oldDir));
  const after = withPolicyErrors(newDir, () => readPolicyDir(newDir));
  if (before.schema !== after.schema) {
    throw new Error(
      `${join(oldDir, SCHEMA_FILE)} and ${join(newDir, SCHEMA_FILE)} differ: ` +
        'diff compares pack versions under one schema',
    );
  }
  // What-if: samples may carry any date, as a vote may be about a change that takes effect later.
  const engine = withPolicyErrors(oldDir, () =>
    PolicyEngine.create({ schema: before.schema, packs: before.packs, anyDate: true }),
  );
  for (const { label, request } of samples) {
    const { error } = engine.decide(request);
    if (error !== undefined) throw policyErrorLine(label, error.message, error.details);
  }
  const requests = samples.map((s) => s.request);
  const newByName = new Map(after.packs.map((p) => [p.name, p]));
  const names = [...new Set([...before.packs, ...after.packs].map((p) => p.name))].sort();
  const packs = names.map((name): PackVersionDiff => {
    const old = engine.pack(name);
    const source = newByName.get(name);
    const check = source === undefined ? undefined : engine.checkPack(source);
    if (check !== undefined && !check.ok) {
      throw policyErrorLine(
        join(newDir, `${name}.cedar`),
        'the pack is invalid',
        check.diagnostics,
      );
    }
    const next = check?.pack;
    const base = { pack: name, metadata: [], policies: [] };
    if (old === undefined && next !== undefined) {
      return { ...base, status: 'added', to: versionOf(next), ...comparePacks(undefined, next) };
    }
    if (old !== undefined && next === undefined) {
      return { ...base, status: 'removed', from: versionOf(old), ...comparePacks(old, undefined) };
    }
    if (old === undefined || next === undefined) throw new Error(`pack ${name}: not in either`);
    if (old.hash === next.hash) return { ...base, status: 'unchanged', from: versionOf(old) };
    return {
      pack: name,
      status: 'changed',
      from: versionOf(old),
      to: versionOf(next),
      ...comparePacks(old, next),
      ...(requests.length > 0 ? { samples: diffPacks(engine, old, next, requests) } : {}),
    };
  });
  return { packs, sampleLabels: samples.map((s) => s.label) };
}

function versionOf(pack: PolicyPack): Version {
  return { version: pack.version, hash: pack.hash };
}

export function formatFolderDiff(diff: FolderDiff): string {
  const lines: string[] = [];
  const unchanged = diff.packs.filter((p) => p.status === 'unchanged').map((p) => p.pack);
  for (const pack of diff.packs.filter((p) => p.status !== 'unchanged')) {
    lines.push(...packDiffLines(pack, diff.sampleLabels));
  }
  if (lines.length === 0) lines.push('no pack changed');
  if (unchanged.length > 0) lines.push(`unchanged: ${unchanged.join(', ')}`);
  if (diff.sampleLabels.length === 0)
    lines.push('no sample requests given (--requests): outcomes not computed');
  return lines.join('\n');
}

/** One changed pack: its versions, metadata and policies changed, and the sample outcomes. */
export function packDiffLines(pack: PackVersionDiff, sampleLabels: readonly string[]): string[] {
  const at = (v: Version | undefined): string =>
    v === undefined ? '' : `${v.version} ${shortHash(v.hash)}`;
  const head =
    pack.status === 'changed'
      ? `${at(pack.from)} → ${at(pack.to)}`
      : `${pack.status} (${at(pack.from ?? pack.to)})`;
  const lines = [`pack ${pack.pack}: ${head}`];
  if (pack.metadata.length > 0) lines.push(`  metadata changed: ${pack.metadata.join(', ')}`);
  for (const c of pack.policies) {
    const fields = c.fields.length > 0 ? `: ${c.fields.join(', ')}` : '';
    lines.push(`  ${c.change.padEnd(7)} ${c.policyId}${fields}`);
  }
  if (pack.samples !== undefined) lines.push(...sampleLines(pack.samples, sampleLabels));
  else if (pack.status !== 'changed' && sampleLabels.length > 0)
    lines.push('  sample outcomes are computed for changed packs only');
  return lines;
}

function sampleLines(samples: PackDiff, labels: readonly string[]): string[] {
  const groups: [string, readonly DiffEntry[]][] = [
    ['newly allowed', samples.newlyAllowed],
    ['newly denied', samples.newlyDenied],
    ['denied by another rule', samples.newReason],
  ];
  const total = labels.length;
  const counts = groups.map(([name, entries]) => `${entries.length} ${name}`).join(', ');
  const lines = [`  sample requests (${total}): ${counts}, ${samples.unchanged} unchanged`];
  const outcome = (o: DiffEntry['before']): string =>
    o.policyId === undefined ? o.decision : `${o.decision} (${o.policyId})`;
  for (const [name, entries] of groups) {
    for (const e of entries) {
      const label = labels[e.index] ?? `#${e.index}`;
      lines.push(`    ${name}: ${label} ${e.action}: ${outcome(e.before)} → ${outcome(e.after)}`);
    }
  }
  return lines;
}
