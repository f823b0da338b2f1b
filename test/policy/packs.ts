/** Packs as stored, and edits of them for tests that change or break a pack. */
import { readPackSource, type PackSource } from '../../src/policy/index.js';

export const policiesDir = new URL('../../policies/', import.meta.url).pathname;
export const packSource = (name: string): PackSource => readPackSource(policiesDir, name);

/** Replace every occurrence; a fixture that no longer matches the pack fails loudly. */
export function edited(source: PackSource, from: string, to: string): PackSource {
  if (!source.cedar.includes(from)) throw new Error(`fixture: "${from}" not in pack`);
  return { ...source, cedar: source.cedar.replaceAll(from, to) };
}
