/**
 * Binary tensor frames: how models and updates travel between nodes (never as JSON arrays).
 *
 * Layout (all integers little-endian):
 *
 *   offset 0  4 bytes  magic "CVGF"
 *          4  u8       version (1)
 *          5  u32      header length H, in bytes, excluding padding
 *          9  H bytes  header: UTF-8 RFC 8785 canonical JSON
 *                        { meta, tensors: [{ name, dtype: "float32", shape, byteLength, sha256 }] }
 *   9 + H     0-3      zero bytes, so tensor data starts 4-byte aligned
 *             ...      each tensor's float32 values, little-endian, in header order, no gaps
 *
 * `sha256` is the hex SHA-256 of that tensor's data bytes as they appear in the frame. The
 * header is canonical JSON so that equal meta and tensors always give identical frame bytes
 * (and so identical frameSha256), whatever the key order of `meta`.
 */
import { createHash } from 'node:crypto';

import canonicalize from 'canonicalize';
import { z } from 'zod';

import type { NamedTensor, Weights } from '../learning/weights.js';

export const FRAME_MAGIC = 'CVGF';
export const FRAME_VERSION = 1;
/** magic (4) + version (1) + header length (4) */
const PREFIX_BYTES = 9;
const FLOAT32_BYTES = 4;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export interface FrameTensorHeader {
  name: string;
  dtype: 'float32';
  shape: number[];
  byteLength: number;
  sha256: string;
}

export interface DecodeFrameOptions {
  /** Refuse frames larger than this many bytes. Default: no limit. */
  maxBytes?: number;
}

export interface DecodedFrame {
  meta: unknown;
  tensors: Weights;
}

const headerSchema = z.strictObject({
  meta: z.unknown(), // required: zod 4 treats a missing key as an issue here
  tensors: z.array(
    z.strictObject({
      name: z.string(),
      dtype: z.literal('float32'),
      shape: z.array(z.unknown()), // checked by checkShape, with a message naming the tensor
      byteLength: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

export function frameSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function paddingAfter(offset: number): number {
  return (FLOAT32_BYTES - (offset % FLOAT32_BYTES)) % FLOAT32_BYTES;
}

/** Checks a shape and counts the values it holds; a scalar (shape []) holds one. */
function checkShape(name: string, shape: readonly unknown[]): { dims: number[]; count: number } {
  const dims: number[] = [];
  let count = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new FrameError(
        `tensor "${name}": shape entries must be non-negative integers, got ${JSON.stringify(shape)}`,
      );
    }
    dims.push(dim);
    count *= dim;
  }
  if (!Number.isSafeInteger(count * FLOAT32_BYTES)) {
    throw new FrameError(`tensor "${name}": shape ${JSON.stringify(shape)} is too large`);
  }
  return { dims, count };
}

function checkUniqueNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new FrameError(`duplicate tensor name "${name}"`);
    seen.add(name);
  }
}

/**
 * Float32 values as little-endian bytes. Each value's bits are read as a native u32 and written
 * with an explicit little-endian DataView, so the output is the same on any host and NaN
 * payloads survive bit for bit.
 */
function littleEndianBytes(tensor: NamedTensor): Uint8Array {
  const words = new Uint32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length);
  const out = new Uint8Array(words.length * FLOAT32_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < words.length; i++) view.setUint32(i * FLOAT32_BYTES, words[i]!, true);
  return out;
}

function float32FromLittleEndian(bytes: Uint8Array): Float32Array {
  const values = new Float32Array(bytes.byteLength / FLOAT32_BYTES);
  const words = new Uint32Array(values.buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * FLOAT32_BYTES, true);
  return values;
}

function canonicalHeader(meta: unknown, tensors: FrameTensorHeader[]): Uint8Array {
  if (meta === undefined) throw new FrameError('frame meta must be a JSON value, got undefined');
  let text: string | undefined;
  try {
    text = canonicalize({ meta, tensors });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FrameError(`frame meta is not JSON-serialisable: ${reason}`);
  }
  if (text === undefined) throw new FrameError('frame meta is not JSON-serialisable');
  return new TextEncoder().encode(text);
}

export function encodeFrame(meta: unknown, tensors: Weights): Uint8Array {
  checkUniqueNames(tensors.map((t) => t.name));
  const payloads = tensors.map((tensor) => {
    const { count } = checkShape(tensor.name, tensor.shape);
    if (!(tensor.data instanceof Float32Array) || tensor.data.length !== count) {
      const got = tensor.data instanceof Float32Array ? `${tensor.data.length}` : 'no Float32Array';
      throw new FrameError(
        `tensor "${tensor.name}": shape ${JSON.stringify(tensor.shape)} needs ${count} values, data has ${got}`,
      );
    }
    return littleEndianBytes(tensor);
  });
  const header = canonicalHeader(
    meta,
    tensors.map((t, i) => ({
      name: t.name,
      dtype: 'float32',
      shape: [...t.shape],
      byteLength: payloads[i]!.byteLength,
      sha256: frameSha256(payloads[i]!),
    })),
  );

  const dataStart =
    PREFIX_BYTES + header.byteLength + paddingAfter(PREFIX_BYTES + header.byteLength);
  const total = payloads.reduce((n, p) => n + p.byteLength, dataStart);
  const frame = new Uint8Array(total); // zero-filled, which covers the padding
  const view = new DataView(frame.buffer);
  frame.set(new TextEncoder().encode(FRAME_MAGIC), 0);
  view.setUint8(4, FRAME_VERSION);
  view.setUint32(5, header.byteLength, true);
  frame.set(header, PREFIX_BYTES);
  let offset = dataStart;
  for (const payload of payloads) {
    frame.set(payload, offset);
    offset += payload.byteLength;
  }
  return frame;
}

function parseHeader(bytes: Uint8Array): z.infer<typeof headerSchema> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FrameError(`frame header is not valid UTF-8 JSON: ${reason}`);
  }
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new FrameError(`frame header is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function readPrefix(bytes: Uint8Array): number {
  if (bytes.byteLength < PREFIX_BYTES) {
    throw new FrameError(
      `truncated frame: ${bytes.byteLength} bytes, less than the ${PREFIX_BYTES}-byte prefix`,
    );
  }
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== FRAME_MAGIC) {
    throw new FrameError(`bad magic: expected "${FRAME_MAGIC}", got ${JSON.stringify(magic)}`);
  }
  if (bytes[4] !== FRAME_VERSION) {
    throw new FrameError(
      `unsupported frame version ${bytes[4]} (this build reads ${FRAME_VERSION})`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(5, true);
}

export function decodeFrame(bytes: Uint8Array, opts: DecodeFrameOptions = {}): DecodedFrame {
  if (!(bytes instanceof Uint8Array)) throw new FrameError('frame must be a Uint8Array');
  if (opts.maxBytes !== undefined && bytes.byteLength > opts.maxBytes) {
    throw new FrameError(`frame is ${bytes.byteLength} bytes, over the limit of ${opts.maxBytes}`);
  }
  const headerLength = readPrefix(bytes);
  const headerEnd = PREFIX_BYTES + headerLength;
  if (headerEnd > bytes.byteLength) {
    throw new FrameError(
      `truncated frame: header claims ${headerLength} bytes, only ${bytes.byteLength - PREFIX_BYTES} follow`,
    );
  }
  const header = parseHeader(bytes.subarray(PREFIX_BYTES, headerEnd));
  checkUniqueNames(header.tensors.map((t) => t.name));

  let offset = headerEnd + paddingAfter(headerEnd);
  if (offset > bytes.byteLength) {
    throw new FrameError('truncated frame: padding after the header is cut off');
  }
  if (bytes.subarray(headerEnd, offset).some((b) => b !== 0)) {
    throw new FrameError('padding after the frame header must be zero bytes');
  }

  const tensors: Weights = header.tensors.map(({ name, shape, byteLength, sha256 }) => {
    const { dims, count } = checkShape(name, shape);
    const needed = count * FLOAT32_BYTES;
    if (byteLength !== needed) {
      throw new FrameError(
        `tensor "${name}": byteLength ${byteLength} does not match shape ${JSON.stringify(shape)} (needs ${needed})`,
      );
    }
    if (offset + byteLength > bytes.byteLength) {
      throw new FrameError(
        `truncated frame: tensor "${name}" needs ${byteLength} bytes at offset ${offset}, only ${bytes.byteLength - offset} remain`,
      );
    }
    const data = bytes.subarray(offset, offset + byteLength);
    if (frameSha256(data) !== sha256) throw new FrameError(`tensor "${name}": sha256 mismatch`);
    offset += byteLength;
    return { name, shape: dims, data: float32FromLittleEndian(data) };
  });

  if (offset !== bytes.byteLength) {
    throw new FrameError(
      `frame has ${bytes.byteLength - offset} trailing bytes after the last tensor`,
    );
  }
  return { meta: header.meta, tensors };
}
