import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProofError, verifyConsistency, verifyInclusion } from '../../src/ledger/index.js';

// transparency-dev/merkle testdata: ../shared beside the clone (as in CI), else the copy here.
const here = fileURLToPath(new URL('.', import.meta.url));
const sharedDir = resolve(here, '../../../shared/testvectors/merkle');
const copyDir = resolve(here, 'vectors');
// Both when both exist, so the fallback copy is exercised too.
const vectorDirs = existsSync(sharedDir) ? [sharedDir, copyDir] : [copyDir];

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

function load<T>(vectorDir: string, kind: string): [string, T][] {
  const dir = join(vectorDir, kind);
  return jsonFiles(dir).map((path) => [
    relative(dir, path),
    JSON.parse(readFileSync(path, 'utf8')),
  ]);
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Runs a verifier, turning its verdict into "accepted" or the ProofError's message. */
function outcome(run: () => true): string {
  try {
    run();
    return 'accepted';
  } catch (err) {
    expect(err).toBeInstanceOf(ProofError);
    return (err as Error).message;
  }
}

describe.each(vectorDirs)('Merkle proof vectors in %s', (vectorDir) => {
  const inclusion = load<InclusionVector>(vectorDir, 'inclusion');
  const consistency = load<ConsistencyVector>(vectorDir, 'consistency');

  it('has the whole vector set', () => {
    expect(inclusion.length).toBe(62);
    expect(consistency.length).toBe(57);
  });

  it.each(inclusion)('inclusion %s', (_file, v) => {
    const result = outcome(() =>
      verifyInclusion({
        leafIndex: v.leafIdx,
        treeSize: v.treeSize,
        leafHash: b64(v.leafHash),
        proof: (v.proof ?? []).map(b64),
        root: b64(v.root),
      }),
    );
    if (v.wantErr) expect(result).not.toBe('accepted');
    else expect(result).toBe('accepted');
  });

  it.each(consistency)('consistency %s', (_file, v) => {
    const result = outcome(() =>
      verifyConsistency({
        size1: v.size1,
        size2: v.size2,
        proof: (v.proof ?? []).map(b64),
        root1: b64(v.root1),
        root2: b64(v.root2),
      }),
    );
    if (v.wantErr) expect(result).not.toBe('accepted');
    else expect(result).toBe('accepted');
  });
});

it.runIf(existsSync(sharedDir))('the copy in test/ledger/vectors matches ../shared', () => {
  const names = (dir: string) => jsonFiles(dir).map((p) => relative(dir, p));
  expect(names(copyDir)).toEqual(names(sharedDir));
  for (const name of names(sharedDir)) {
    const read = (dir: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
    expect(read(copyDir), name).toEqual(read(sharedDir));
  }
});
