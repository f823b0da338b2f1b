import { describe, expect, it } from 'vitest';
import {
  FormatError,
  ed25519Signer,
  formatCheckpoint,
  newVerifier,
  openNote,
  parseCheckpoint,
  signNote,
} from '../../src/ledger/index.js';

// The example of C2SP tlog-checkpoint v1.0.0.
const body =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const root = new Uint8Array(Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'));

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  it('parses the published example and formats it back to the same bytes', () => {
    const checkpoint = parseCheckpoint(body);
    expect(checkpoint).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      root,
      extensions: [],
    });
    expect(formatCheckpoint(checkpoint)).toBe(body);
  });

  it('keeps extension lines and the empty tree', () => {
    const text = `${body}converge-round 7\nregion eu\n`;
    expect(parseCheckpoint(text).extensions).toEqual(['converge-round 7', 'region eu']);
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
    const empty = 'log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n';
    expect(parseCheckpoint(empty).size).toBe(0);
  });

  it.each([
    ['no final newline', body.slice(0, -1)],
    ['two lines', 'example.com/log\n5\n'],
    ['empty origin', `\n${body.slice(body.indexOf('\n') + 1)}`],
    ['leading zero', body.replace('20852163', '020852163')],
    ['sign', body.replace('20852163', '+20852163')],
    ['negative', body.replace('20852163', '-1')],
    ['space', body.replace('20852163', ' 20852163')],
    ['beyond 2^53', body.replace('20852163', '9007199254740993')],
    ['short root', body.replace('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'AAAA')],
    ['unpadded root', body.replace('2I=', '2I')],
    ['non-canonical root', body.replace('2I=', '2J=')],
    ['empty extension line', `${body}\n`],
    ['CRLF', body.replaceAll('\n', '\r\n')],
  ])('rejects %s', (_why, text) => {
    expect(() => parseCheckpoint(text)).toThrow(FormatError);
  });

  it('refuses to format a checkpoint that would not parse back', () => {
    const good = parseCheckpoint(body);
    expect(() => formatCheckpoint({ ...good, origin: 'a\nb' })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...good, size: -1 })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...good, root: new Uint8Array(31) })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...good, extensions: [''] })).toThrow(FormatError);
  });

  it('travels as a note signed by the log key named after the origin', async () => {
    const log = ed25519Signer('example.com/behind-the-sofa', new Uint8Array(32).fill(7));
    const signed = await signNote(body, [log]);
    const opened = openNote(signed, [newVerifier(log.vkey)]);
    expect(parseCheckpoint(opened.text).size).toBe(20852163);
  });
});
