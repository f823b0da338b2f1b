import canonicalize from 'canonicalize';

import { fromBase64Url, toBase64Url } from './encoding.js';
import {
  canonicalEnvelope,
  describeIssues,
  sealedEnvelopeSchema,
  type SealedEnvelope,
} from './envelope.js';
import { EnvelopeRefusal } from './refusal.js';

export const ENVELOPE_HEADER = 'converge-envelope';
export const SIGNATURE_HEADER = 'converge-signature';

/** Far above any valid envelope; stops us decoding and parsing megabytes of header. */
const MAX_HEADER_CHARS = 8192;

// A type alias, not an interface, so it can be passed wherever a header record is accepted.
export type EnvelopeHeaders = {
  'converge-envelope': string;
  'converge-signature': string;
};

/** Node's IncomingHttpHeaders, a plain record, or a fetch/Hono `Headers`. */
export type HeaderSource = Record<string, string | string[] | undefined> | Headers;

export function toHeaders(sealed: SealedEnvelope): EnvelopeHeaders {
  const json = Buffer.from(canonicalEnvelope(sealed.envelope), 'utf8');
  return { [ENVELOPE_HEADER]: toBase64Url(json), [SIGNATURE_HEADER]: sealed.signature };
}

function malformed(message: string): EnvelopeRefusal {
  return new EnvelopeRefusal('malformed', message);
}

function isFetchHeaders(headers: HeaderSource): headers is Headers {
  return typeof (headers as { get?: unknown }).get === 'function';
}

function headerValue(headers: HeaderSource, name: string): string {
  let value: string | string[] | null | undefined;
  if (isFetchHeaders(headers)) {
    value = headers.get(name); // repeated headers come back comma-joined, which base64url refuses
  } else {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) {
    if (value.length !== 1) throw malformed(`${name} header appears ${value.length} times`);
    value = value[0];
  }
  if (value === undefined || value === null || value === '') {
    throw malformed(`missing ${name} header`);
  }
  if (value.length > MAX_HEADER_CHARS) throw malformed(`${name} header is too long`);
  return value;
}

function canonicalOrUndefined(value: unknown): string | undefined {
  try {
    return canonicalize(value);
  } catch {
    return undefined; // e.g. 1e400 parses to Infinity, which has no canonical form
  }
}

function parseEnvelopeJson(encoded: string): unknown {
  const bytes = fromBase64Url(encoded);
  if (bytes === undefined) throw malformed(`${ENVELOPE_HEADER} header is not base64url`);
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw malformed(`${ENVELOPE_HEADER} header is not base64url of UTF-8 JSON`);
  }
  // Only one spelling of an envelope is accepted: the one that was signed.
  if (canonicalOrUndefined(value) !== text) {
    throw malformed(`${ENVELOPE_HEADER} header is not RFC 8785 canonical JSON`);
  }
  return value;
}

/** Reads a sealed envelope from request headers; throws EnvelopeRefusal (400) when absent or malformed. */
export function fromHeaders(headers: HeaderSource): SealedEnvelope {
  const envelope = parseEnvelopeJson(headerValue(headers, ENVELOPE_HEADER));
  const signature = headerValue(headers, SIGNATURE_HEADER);
  const parsed = sealedEnvelopeSchema.safeParse({ envelope, signature });
  if (!parsed.success) throw malformed(`malformed envelope: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
