/**
 * What changed between two versions of a pack, as members read it before they sign: the
 * pack's metadata and each policy added, removed or changed (and in which of its fields).
 */
import type { PackPolicy, PolicyPack } from './pack.js';

export interface PolicyChange {
  readonly policyId: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** For a changed policy: which of cedar, effective, retired, retiredBy, sources, note. */
  readonly fields: readonly string[];
}

export interface PackComparison {
  /** Pack-level metadata that changed: version, title, scope, sources. */
  readonly metadata: readonly string[];
  readonly policies: readonly PolicyChange[];
}

/** `old` undefined: every policy of `next` is added; `next` undefined: every one removed. */
export function comparePacks(
  old: PolicyPack | undefined,
  next: PolicyPack | undefined,
): PackComparison {
  return {
    metadata: old === undefined || next === undefined ? [] : metadataChanges(old, next),
    policies: policyChanges(old?.policies ?? [], next?.policies ?? []),
  };
}

function metadataChanges(old: PolicyPack, next: PolicyPack): string[] {
  const sources = (pack: PolicyPack): unknown =>
    typeof pack.source.meta === 'object' && pack.source.meta !== null
      ? (pack.source.meta as Record<string, unknown>)['sources']
      : undefined;
  const fields: [string, unknown, unknown][] = [
    ['version', old.version, next.version],
    ['title', old.title, next.title],
    ['scope', old.scope, next.scope],
    ['sources', sources(old), sources(next)],
  ];
  return fields.filter(([, a, b]) => JSON.stringify(a) !== JSON.stringify(b)).map(([f]) => f);
}

function policyChanges(old: readonly PackPolicy[], next: readonly PackPolicy[]): PolicyChange[] {
  const before = new Map(old.map((p) => [p.id, p]));
  const after = new Map(next.map((p) => [p.id, p]));
  const changes: PolicyChange[] = [];
  for (const [id, policy] of before) {
    const now = after.get(id);
    if (now === undefined) {
      changes.push({ policyId: policy.qualifiedId, change: 'removed', fields: [] });
      continue;
    }
    const fields = changedFields(policy, now);
    if (fields.length > 0) changes.push({ policyId: now.qualifiedId, change: 'changed', fields });
  }
  for (const [id, policy] of after) {
    if (!before.has(id))
      changes.push({ policyId: policy.qualifiedId, change: 'added', fields: [] });
  }
  return changes;
}

function changedFields(a: PackPolicy, b: PackPolicy): string[] {
  const fields: [string, unknown, unknown][] = [
    ['cedar', a.text, b.text],
    ['effective', a.window.effective, b.window.effective],
    ['retired', a.window.retired, b.window.retired],
    ['retiredBy', a.window.retiredBy, b.window.retiredBy],
    ['sources', a.sources, b.sources],
    ['note', a.note, b.note],
  ];
  return fields.filter(([, x, y]) => JSON.stringify(x) !== JSON.stringify(y)).map(([f]) => f);
}
