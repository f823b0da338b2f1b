import { describe, expect, it } from 'vitest';
import { UpdateError, checkUpdate, type Weights } from '../../src/learning/index.js';

const global: Weights = [
  { name: 'dense0/kernel', shape: [2, 1], data: new Float32Array([0.1, 0.2]) },
  { name: 'dense0/bias', shape: [1], data: new Float32Array([0]) },
];

function update(change: (w: Weights) => void): Weights {
  const copy = global.map((t) => ({ ...t, shape: [...t.shape], data: new Float32Array(t.data) }));
  change(copy);
  return copy;
}

describe('checkUpdate', () => {
  it('accepts an update with the global layout and finite values', () => {
    expect(() =>
      checkUpdate(
        global,
        update(() => {}),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'a missing tensor',
      (w: Weights) => void w.pop(),
      'update has 1 tensors, expected 2 (dense0/kernel, dense0/bias)',
    ],
    [
      'a renamed tensor',
      (w: Weights) => void (w[1]!.name = 'bias'),
      "update tensor #1 is named 'bias', expected 'dense0/bias'",
    ],
    [
      'a wrong shape',
      (w: Weights) => void (w[0]!.shape = [1, 2]),
      "update tensor 'dense0/kernel' has shape [1, 2], expected [2, 1]",
    ],
    [
      'too few values',
      (w: Weights) => void (w[0]!.data = new Float32Array(1)),
      "update tensor 'dense0/kernel' holds 1 values, its shape needs 2",
    ],
    [
      'a NaN',
      (w: Weights) => void (w[0]!.data[1] = Number.NaN),
      "update tensor 'dense0/kernel' has NaN at index 1",
    ],
    [
      'an infinity',
      (w: Weights) => void (w[1]!.data[0] = -Infinity),
      "update tensor 'dense0/bias' has -Infinity at index 0",
    ],
  ])('refuses %s', (_what, change, message) => {
    expect(() => checkUpdate(global, update(change))).toThrow(new UpdateError(message));
  });
});
