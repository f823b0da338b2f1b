import type { EntityIndex } from './cedar-request.js';
import type { PolicyPack } from './pack.js';
import type { PolicyRequest } from './request.js';

/** "ZZ" stands for "anywhere" (a public release): it touches no particular jurisdiction. */
const ANYWHERE = 'ZZ';

/**
 * Countries an action touches: those the caller lists (members involved) plus those the
 * request itself reveals, so that leaving a country out of `jurisdictions` dodges nothing:
 * where the data comes from and goes to, where compute runs, where the actors sit.
 */
export function touchedCountries(request: PolicyRequest, entities: EntityIndex): string[] {
  const countries = new Set(request.jurisdictions);
  const add = (country: unknown): void => {
    if (typeof country === 'string' && country !== ANYWHERE) countries.add(country);
  };
  const attrOf = (type: string, id: string, attr: string): unknown =>
    entities.get(type, id)?.attrs[attr];

  add(attrOf(request.principal.type, request.principal.id, 'country'));
  add(attrOf('Institution', request.context.owner, 'country'));
  add(attrOf(request.resource.type, request.resource.id, 'country'));
  add(attrOf(request.resource.type, request.resource.id, 'originCountry'));
  const { transfer } = request.context;
  if (transfer) {
    add(transfer.originCountry);
    add(transfer.destinationCountry);
    add(attrOf('Institution', transfer.recipient, 'country'));
  }
  return [...countries].sort();
}

/** Answers by pack list (while it stays the same array) and touched countries. */
const chosen = new WeakMap<readonly PolicyPack[], Map<string, readonly PolicyPack[]>>();

/** The consortium packs always apply; a jurisdiction pack applies if it covers a touched country. */
export function applicablePacks(
  packs: readonly PolicyPack[],
  countries: readonly string[],
): readonly PolicyPack[] {
  let byCountries = chosen.get(packs);
  if (byCountries === undefined) chosen.set(packs, (byCountries = new Map()));
  const key = countries.join(',');
  let applicable = byCountries.get(key);
  if (applicable === undefined) {
    applicable = choosePacks(packs, countries);
    if (byCountries.size >= 4_096) byCountries.clear(); // requests may name any countries
    byCountries.set(key, applicable);
  }
  return applicable;
}

function choosePacks(packs: readonly PolicyPack[], countries: readonly string[]): PolicyPack[] {
  const touched = new Set(countries);
  const consortium = packs.filter((p) => p.scope.kind === 'consortium');
  const jurisdictions = packs.filter(
    (p) => p.scope.kind === 'jurisdiction' && p.scope.countries.some((c) => touched.has(c)),
  );
  const byName = (a: PolicyPack, b: PolicyPack): number => a.name.localeCompare(b.name);
  return [...consortium.sort(byName), ...jurisdictions.sort(byName)];
}

/** Touched countries that no installed pack covers (reported, so silence is visible). */
export function uncoveredCountries(
  packs: readonly PolicyPack[],
  countries: readonly string[],
): string[] {
  // No set of every covered country: a request touches two to four, a pack lists up to 30.
  return countries.filter(
    (c) => !packs.some((p) => p.scope.kind === 'jurisdiction' && p.scope.countries.includes(c)),
  );
}
