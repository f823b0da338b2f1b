/** Shorthands for the decision tables. */
import { requests as r } from './world.js';

export type Row = [name: string, request: unknown, expected: 'allow' | string];

export const cnExport = (transfer: Parameters<typeof r.move>[0]['transfer']) =>
  r.move({
    owner: 'pumch',
    dataset: 'cn-records',
    transfer: { destinationCountry: 'US', recipient: 'cleveland', ...transfer },
  });
export const pi = (people: number, extra = {}) => ({
  personalInformationSubjects: people,
  sensitivePersonalInformationSubjects: 0,
  ...extra,
});
export const sensitive = (people: number, extra = {}) => ({
  personalInformationSubjects: 0,
  sensitivePersonalInformationSubjects: people,
  ...extra,
});
export const huExport = (transfer: Parameters<typeof r.move>[0]['transfer']) =>
  r.move({ owner: 'hu-cardiology', dataset: 'hu-records', transfer: { ...pi(294), ...transfer } });
export const place = (
  owner: Parameters<typeof r.place>[0]['owner'],
  tpp: number,
  performanceDensity: number,
  site = 'us-site',
) => r.place({ owner, site, tpp, performanceDensity });
