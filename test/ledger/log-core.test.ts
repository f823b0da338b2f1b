import { describe, expect, it } from 'vitest';
import { EMPTY_EDGE, edgeRoot, extendEdge, partialTiles } from '../../src/ledger/log/edge.js';
import { Sequencer } from '../../src/ledger/log/sequencer.js';
import {
  FormatError,
  MAX_PROOF_LINES,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
} from '../../src/ledger/index.js';
import { entries, hex, mth, referenceLeaf } from './fixtures/logs.js';

// The pure parts of the log: the edge (tiles and root from appends), the group-commit
// sequencer, and the add-checkpoint request codec.

describe('tree edge', () => {
  const all = entries(0, 2100);
  const leaves = all.map(referenceLeaf);

  it('gives the RFC 9162 root at every size, whatever the batch sizes', () => {
    let edge = EMPTY_EDGE;
    for (let size = 0; size < 700;) {
      expect(hex(edgeRoot(edge))).toBe(hex(mth(leaves.slice(0, size))));
      const next = Math.min(700, size + 1 + (size % 13));
      edge = extendEdge(edge, all.slice(size, next)).edge;
      size = next;
    }
    const once = extendEdge(EMPTY_EDGE, all).edge;
    expect(hex(edgeRoot(once))).toBe(hex(mth(leaves)));
  });

  it('emits each full tile once, and the partial tiles whose width changed', () => {
    const first = extendEdge(EMPTY_EDGE, all.slice(0, 250));
    expect(first.full).toEqual([]);
    const second = extendEdge(first.edge, all.slice(250, 520));
    expect(second.full.map((f) => `${f.level}/${f.index}/${f.width}`)).toEqual([
      'entries/0/256',
      '0/0/256',
      'entries/1/256',
      '0/1/256',
    ]);
    expect(partialTiles(second.edge, 250).map((f) => `${f.level}/${f.index}/${f.width}`)).toEqual([
      'entries/2/8',
      '0/2/8',
      '1/0/2',
    ]);
    // Growing within a tile leaves the level above alone.
    const third = extendEdge(second.edge, all.slice(520, 530));
    expect(partialTiles(third.edge, 520).map((f) => `${f.level}/${f.index}/${f.width}`)).toEqual([
      'entries/2/18',
      '0/2/18',
    ]);
  });
});

describe('Sequencer', () => {
  it('commits requests that arrive during a commit together in the next one', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    let next = 0;
    const sequencer = new Sequencer<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      const first = next;
      next += items.length;
      return first;
    }, 10);
    const first = sequencer.submit([1]);
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [
      sequencer.submit([2, 3]),
      sequencer.submit([4]),
      sequencer.submit([5, 6, 7, 8, 9, 10, 11, 12]),
    ];
    release();
    expect(await first).toBe(0);
    expect(await Promise.all(waiting)).toEqual([1, 3, 4]);
    // The third request would overflow the limit of 10, so it waits for the commit after.
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6, 7, 8, 9, 10, 11, 12]]);
  });

  it('fails only the requests of a failed commit', async () => {
    let calls = 0;
    const sequencer = new Sequencer<string>(async () => {
      calls++;
      if (calls === 1) throw new Error('disk full');
      return 0;
    }, 4);
    const failed = sequencer.submit(['a']);
    await expect(failed).rejects.toThrow('disk full');
    await expect(sequencer.submit(['b'])).resolves.toBe(0);
    await expect(sequencer.submit([])).rejects.toThrow('a request holds 1..4 items');
    await sequencer.idle();
  });
});

describe('add-checkpoint request body', () => {
  const note =
    'example.test/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— example.test/log AAAA\n';
  const hash = new Uint8Array(32).fill(0xab);

  it('round-trips', () => {
    const body = formatAddCheckpointRequest({ oldSize: 7, proof: [hash, hash], note });
    expect(body.startsWith('old 7\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n')).toBe(true);
    expect(parseAddCheckpointRequest(body)).toEqual({ oldSize: 7, proof: [hash, hash], note });
    expect(parseAddCheckpointRequest(`old 0\n\n${note}`)).toEqual({ oldSize: 0, proof: [], note });
  });

  it.each([
    ['old 1', 'a line has no final newline'],
    [`old -1\n\n${note}`, 'first line must be "old <size>"'],
    [`old  1\n\n${note}`, 'first line must be "old <size>"'],
    [
      `old 1\n${'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n'.repeat(MAX_PROOF_LINES + 1)}\n${note}`,
      'more than 63 proof lines',
    ],
    [`old 1\nq6ur\n\n${note}`, 'proof line 1 is not a hash'],
    ['old 1\n\n', 'no checkpoint'],
  ])('rejects %j', (body, message) => {
    expect(() => parseAddCheckpointRequest(body)).toThrow(FormatError);
    expect(() => parseAddCheckpointRequest(body)).toThrow(message);
  });
});
