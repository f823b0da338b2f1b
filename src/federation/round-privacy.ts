import type { ReportOf } from './protocol.js';

/** What a round.closed entry records of privacy: the largest ε any contributor has spent. */
export interface RoundPrivacy {
  /** Max over the round's contributing sites of the ε each has spent on the job so far. */
  epsilon: number;
  delta: number;
  /** Each contributing site's own ε (sites differ when their sampling rates differ). */
  perSite: { site: string; epsilon: number }[];
}

/** null when the round trained without differential privacy. */
export function roundPrivacySpent(
  reports: ReadonlyMap<string, ReportOf<'train'>>,
): RoundPrivacy | null {
  const perSite = [...reports]
    .flatMap(([site, r]) =>
      r.privacy ? [{ site, epsilon: r.privacy.epsilon, delta: r.privacy.delta }] : [],
    )
    .sort((a, b) => a.site.localeCompare(b.site));
  if (perSite.length === 0) return null;
  return {
    epsilon: Math.max(...perSite.map((s) => s.epsilon)),
    delta: Math.max(...perSite.map((s) => s.delta)),
    perSite: perSite.map(({ site, epsilon }) => ({ site, epsilon })),
  };
}
