import { describe, expect, it } from 'vitest';
import { FormatError, parseTilePath, tilePath, tilesAtLevel } from '../../src/ledger/index.js';

describe('tile paths (C2SP tlog-tiles)', () => {
  it('encodes the published example index 1234067 as x001/x234/067', () => {
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 1234067, 8)).toBe('tile/2/x001/x234/067.p/8');
    expect(tilePath('entries', 1234067, 255)).toBe('tile/entries/x001/x234/067.p/255');
  });

  it.each([
    [0, '000'],
    [5, '005'],
    [999, '999'],
    [1000, 'x001/000'],
    [67, '067'],
    [1_000_000, 'x001/x000/000'],
    [Number.MAX_SAFE_INTEGER, 'x009/x007/x199/x254/x740/991'],
  ])('writes index %i as %s and reads it back', (index, n) => {
    expect(tilePath(1, index)).toBe(`tile/1/${n}`);
    expect(parseTilePath(`tile/1/${n}`)).toEqual({ level: 1, index, width: 256 });
    expect(parseTilePath(`tile/entries/${n}.p/3`)).toEqual({ level: 'entries', index, width: 3 });
  });

  it.each([
    'tile/0/5',
    'tile/0/x000/005',
    'tile/0/x1/005',
    'tile/0/001/005',
    'tile/01/000',
    'tile/64/000',
    'tile/-1/000',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/08',
    'tile/0/000.p/',
    'tile/entry/000',
    '/tile/0/000',
    'tile/0/000/',
    'tile/0/x009/x007/x199/x254/x740/992',
  ])('rejects the non-canonical or invalid path %s', (path) => {
    expect(() => parseTilePath(path)).toThrow(FormatError);
  });

  it('refuses out-of-range coordinates', () => {
    expect(() => tilePath(64, 0)).toThrow(RangeError);
    expect(() => tilePath(0, -1)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 0)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 257)).toThrow(RangeError);
  });

  it('tiles a 70,000-leaf tree as the spec describes', () => {
    // 273 full level-0 tiles and one of width 112; one full level-1 tile and one of width 17;
    // one level-2 tile of width 1.
    expect(tilesAtLevel(70_000, 0)).toEqual({ full: 273, partialWidth: 112 });
    expect(tilesAtLevel(70_000, 1)).toEqual({ full: 1, partialWidth: 17 });
    expect(tilesAtLevel(70_000, 2)).toEqual({ full: 0, partialWidth: 1 });
    expect(tilesAtLevel(70_000, 3)).toEqual({ full: 0, partialWidth: 0 });
  });

  it('tiles a 256-leaf tree as one full level-0 tile and a level-1 tile of width 1', () => {
    expect(tilesAtLevel(256, 0)).toEqual({ full: 1, partialWidth: 0 });
    expect(tilesAtLevel(256, 1)).toEqual({ full: 0, partialWidth: 1 });
  });
});
