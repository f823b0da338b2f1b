import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { Weights } from '../../src/learning/weights.js';
import { FrameError, decodeFrame, encodeFrame, frameSha256 } from '../../src/node/frame.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bits = (data: Float32Array) => [
  ...new Uint32Array(data.buffer, data.byteOffset, data.length),
];

/** Assembles a frame by hand, so tests can break any part of it. */
function rawFrame(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  { magic = 'CVGF', version = 1, padByte = 0 } = {},
): Uint8Array {
  const headerBytes = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const pad = (4 - ((9 + headerBytes.length) % 4)) % 4;
  const prefix = Buffer.alloc(9);
  prefix.write(magic, 0, 'latin1');
  prefix.writeUInt8(version, 4);
  prefix.writeUInt32LE(headerBytes.length, 5);
  return new Uint8Array(
    Buffer.concat([prefix, headerBytes, Buffer.alloc(pad, padByte), Buffer.from(data)]),
  );
}

function tensorHeader(name: string, shape: unknown[], data: Uint8Array, extra: object = {}) {
  return {
    name,
    dtype: 'float32',
    shape,
    byteLength: data.byteLength,
    sha256: sha(data),
    ...extra,
  };
}

function frameError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FrameError);
    return (error as Error).message;
  }
  throw new Error('expected a FrameError');
}

const sample: Weights = [
  { name: 'dense/kernel', shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, -0, 1e-42]) },
  { name: 'dense/bias', shape: [3], data: new Float32Array([Infinity, -Infinity, NaN]) },
  { name: 'scale', shape: [], data: new Float32Array([0.125]) },
  { name: 'empty', shape: [0], data: new Float32Array(0) },
  { name: 'empty-matrix', shape: [0, 5], data: new Float32Array(0) },
];

describe('encodeFrame / decodeFrame', () => {
  it('round-trips meta and tensors bit for bit, including scalars and empty tensors', () => {
    const meta = { collab: 'c', round: 7, nested: { list: [1, 'two', null] } };
    const { meta: decodedMeta, tensors } = decodeFrame(encodeFrame(meta, sample));
    expect(decodedMeta).toEqual(meta);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual(sample.map((t) => [t.name, t.shape]));
    tensors.forEach((t, i) => {
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(bits(t.data)).toEqual(bits(sample[i]!.data));
    });
  });

  it('round-trips a frame with no tensors', () => {
    expect(decodeFrame(encodeFrame(null, []))).toEqual({ meta: null, tensors: [] });
  });

  it('preserves NaN payloads exactly', () => {
    const data = new Float32Array(1);
    new Uint32Array(data.buffer)[0] = 0x7fc12345;
    const [decoded] = decodeFrame(encodeFrame({}, [{ name: 'n', shape: [1], data }])).tensors;
    expect(bits(decoded!.data)).toEqual([0x7fc12345]);
  });

  it('pins the exact bytes of a tiny frame: little-endian throughout, zero-padded to 4', () => {
    const frame = encodeFrame({ r: 1 }, [
      { name: 'w', shape: [2], data: new Float32Array([1, -2]) },
    ]);
    const header =
      '{"meta":{"r":1},"tensors":[{"byteLength":8,"dtype":"float32","name":"w",' +
      '"sha256":"ee4ac73c2bd27756ab82780f27c73a7bc4d3f0bb6acb37e008bc27eccd7e588b","shape":[2]}]}';
    expect(header.length).toBe(162);
    const expected = Buffer.concat([
      Buffer.from('CVGF'),
      Buffer.from([1]), // version
      Buffer.from([162, 0, 0, 0]), // header length, u32 LE
      Buffer.from(header),
      Buffer.from([0]), // 9 + 162 = 171, padded to 172
      Buffer.from([0x00, 0x00, 0x80, 0x3f]), // 1.0f LE
      Buffer.from([0x00, 0x00, 0x00, 0xc0]), // -2.0f LE
    ]);
    expect(Buffer.from(frame).toString('hex')).toBe(expected.toString('hex'));
  });

  it('gives identical bytes for equal content, whatever the key order of meta', () => {
    const a = encodeFrame({ x: 1, y: { b: 2, a: 1 } }, sample);
    const b = encodeFrame({ y: { a: 1, b: 2 }, x: 1 }, sample);
    expect(frameSha256(a)).toBe(frameSha256(b));
    expect(frameSha256(a)).toBe(sha(a));
  });

  it('reads from unaligned views and writes from subarray views', () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const frame = encodeFrame({}, [{ name: 'v', shape: [3], data: backing.subarray(1, 4) }]);
    const shifted = new Uint8Array(frame.byteLength + 3);
    shifted.set(frame, 3);
    const [tensor] = decodeFrame(shifted.subarray(3)).tensors;
    expect([...tensor!.data]).toEqual([1, 2, 3]);
  });

  it('returns tensors that do not alias the input bytes', () => {
    const frame = encodeFrame({}, [{ name: 'v', shape: [1], data: new Float32Array([5]) }]);
    const [tensor] = decodeFrame(frame).tensors;
    frame.fill(0);
    expect(tensor!.data[0]).toBe(5);
  });

  it('round-trips 100k parameters', () => {
    const kernel = new Float32Array(100_000 - 100).map((_, i) => Math.sin(i) * 0.01);
    const weights: Weights = [
      { name: 'kernel', shape: [999, 100], data: kernel },
      { name: 'bias', shape: [100], data: new Float32Array(100).fill(0.5) },
    ];
    const started = performance.now();
    const frame = encodeFrame({ round: 1 }, weights);
    const encoded = performance.now();
    const { tensors } = decodeFrame(frame, { maxBytes: 1 << 20 });
    const decoded = performance.now();
    console.log(
      `100k-parameter frame: ${frame.byteLength} bytes, encode ${(encoded - started).toFixed(1)} ms, decode ${(decoded - encoded).toFixed(1)} ms`,
    );
    expect(tensors.map((t) => t.shape)).toEqual([[999, 100], [100]]);
    expect(bits(tensors[0]!.data)).toEqual(bits(kernel));
    expect([...tensors[1]!.data].every((v) => v === 0.5)).toBe(true);
  });
});

describe('encodeFrame refuses', () => {
  const tensor = (shape: number[], length: number) => ({
    name: 't',
    shape,
    data: new Float32Array(length),
  });

  it('data that does not fill the shape', () => {
    expect(frameError(() => encodeFrame({}, [tensor([2, 3], 5)]))).toBe(
      'tensor "t": shape [2,3] needs 6 values, data has 5',
    );
  });

  it('bad shapes', () => {
    expect(frameError(() => encodeFrame({}, [tensor([-1], 0)]))).toBe(
      'tensor "t": shape entries must be non-negative integers, got [-1]',
    );
    expect(frameError(() => encodeFrame({}, [tensor([1.5], 1)]))).toContain(
      'non-negative integers',
    );
  });

  it('duplicate names', () => {
    expect(frameError(() => encodeFrame({}, [tensor([1], 1), tensor([1], 1)]))).toBe(
      'duplicate tensor name "t"',
    );
  });

  it('meta that JSON cannot carry', () => {
    expect(frameError(() => encodeFrame(undefined, []))).toBe(
      'frame meta must be a JSON value, got undefined',
    );
    expect(frameError(() => encodeFrame({ loss: NaN }, []))).toContain(
      'frame meta is not JSON-serialisable',
    );
    expect(frameError(() => encodeFrame({ n: 1n }, []))).toContain('not JSON-serialisable');
  });
});

describe('decodeFrame refuses', () => {
  const data = new Uint8Array(new Float32Array([1, 2]).buffer.slice(0)); // host order; fine for hashing
  const good = { meta: {}, tensors: [tensorHeader('w', [2], data)] };

  it('a good hand-made frame (control)', () => {
    expect(decodeFrame(rawFrame(good, data)).tensors[0]?.name).toBe('w');
  });

  const cases: Array<[string, () => Uint8Array, string]> = [
    [
      'bad magic',
      () => rawFrame(good, data, { magic: 'CVGX' }),
      'bad magic: expected "CVGF", got "CVGX"',
    ],
    [
      'another version',
      () => rawFrame(good, data, { version: 2 }),
      'unsupported frame version 2 (this build reads 1)',
    ],
    [
      'a cut-off prefix',
      () => rawFrame(good, data).subarray(0, 6),
      'truncated frame: 6 bytes, less than the 9-byte prefix',
    ],
    [
      'a cut-off header',
      () => rawFrame(good, data).subarray(0, 40),
      'truncated frame: header claims',
    ],
    [
      'cut-off tensor data',
      () => rawFrame(good, data).subarray(0, rawFrame(good, data).length - 1),
      'truncated frame: tensor "w" needs 8 bytes',
    ],
    [
      'header that is not JSON',
      () => rawFrame('{"meta": oops}'),
      'frame header is not valid UTF-8 JSON',
    ],
    [
      'header that is not UTF-8',
      () => rawFrame(Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1')),
      'frame header is not valid UTF-8 JSON',
    ],
    ['header without tensors', () => rawFrame({ meta: {} }), 'frame header is invalid: tensors:'],
    ['header without meta', () => rawFrame({ tensors: [] }), 'frame header is invalid: meta:'],
    [
      'header with unknown fields',
      () => rawFrame({ ...good, extra: 1 }, data),
      'frame header is invalid: (root): Unrecognized key: "extra"',
    ],
    [
      'another dtype',
      () =>
        rawFrame({ meta: {}, tensors: [tensorHeader('w', [2], data, { dtype: 'float64' })] }, data),
      'frame header is invalid: tensors.0.dtype',
    ],
    [
      'a negative shape entry',
      () => rawFrame({ meta: {}, tensors: [tensorHeader('w', [-2], data)] }, data),
      'tensor "w": shape entries must be non-negative integers, got [-2]',
    ],
    [
      'a fractional shape entry',
      () => rawFrame({ meta: {}, tensors: [tensorHeader('w', [0.5, 4], data)] }, data),
      'tensor "w": shape entries must be non-negative integers, got [0.5,4]',
    ],
    [
      'a string shape entry',
      () => rawFrame({ meta: {}, tensors: [tensorHeader('w', ['2'], data)] }, data),
      'tensor "w": shape entries must be non-negative integers, got ["2"]',
    ],
    [
      'a byteLength the shape does not need',
      () => rawFrame({ meta: {}, tensors: [tensorHeader('w', [3], data)] }, data),
      'tensor "w": byteLength 8 does not match shape [3] (needs 12)',
    ],
    [
      'tensor data that fails its sha256',
      () => rawFrame(good, new Uint8Array([...data.subarray(0, 7), 0x41])),
      'tensor "w": sha256 mismatch',
    ],
    [
      'trailing bytes',
      () => rawFrame(good, new Uint8Array([...data, 0, 0])),
      'frame has 2 trailing bytes after the last tensor',
    ],
    [
      'non-zero padding',
      () => rawFrame({ meta: { p: 1 }, tensors: [] }, new Uint8Array(0), { padByte: 1 }),
      'padding after the frame header must be zero bytes',
    ],
    [
      'duplicate tensor names',
      () =>
        rawFrame(
          { meta: {}, tensors: [tensorHeader('w', [2], data), tensorHeader('w', [2], data)] },
          new Uint8Array([...data, ...data]),
        ),
      'duplicate tensor name "w"',
    ],
  ];
  it.each(cases)('%s', (_what, frame, message) => {
    expect(frameError(() => decodeFrame(frame()))).toContain(message);
  });

  it('a frame over maxBytes, before reading it', () => {
    const frame = encodeFrame({}, sample);
    expect(frameError(() => decodeFrame(frame, { maxBytes: frame.byteLength - 1 }))).toBe(
      `frame is ${frame.byteLength} bytes, over the limit of ${frame.byteLength - 1}`,
    );
    expect(decodeFrame(frame, { maxBytes: frame.byteLength }).tensors).toHaveLength(sample.length);
  });

  it('a tampered byte anywhere in an encoded frame', () => {
    const frame = encodeFrame({ r: 1 }, sample);
    const last = frame.byteLength - 1;
    const flipped = frame.slice();
    flipped[last - 8] = flipped[last - 8]! ^ 0xff; // bias is followed only by the 4-byte scalar
    expect(frameError(() => decodeFrame(flipped))).toBe('tensor "dense/bias": sha256 mismatch');
  });
});
