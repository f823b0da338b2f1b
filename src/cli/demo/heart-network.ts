import { isAbsolute, join } from 'node:path';
import { HEART_DISEASE_SITES } from '../../learning/index.js';
import type { DatasetConfig } from '../../learning/index.js';
import { packageRoot } from '../../node/index.js';
import type { LocalNetworkSpec } from '../../node/index.js';

const INSTITUTIONS: Record<string, { institution: string; jurisdiction: string }> = {
  cleveland: { institution: 'Cleveland Clinic Foundation, Ohio', jurisdiction: 'US' },
  hungary: { institution: 'Hungarian Institute of Cardiology, Budapest', jurisdiction: 'HU' },
  switzerland: { institution: 'University Hospitals of Zurich and Basel', jurisdiction: 'CH' },
  'long-beach': { institution: 'V.A. Medical Center, Long Beach, California', jurisdiction: 'US' },
};

export function absoluteDataset(ds: DatasetConfig, root = packageRoot()): DatasetConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : join(root, p));
  return {
    ...ds,
    path: abs(ds.path),
    split: ds.split.kind === 'file' ? { ...ds.split, path: abs(ds.split.path) } : ds.split,
  };
}

/** Four hospitals in three countries, one hub, one healthcare collaboration. */
export function heartDiseaseNetwork(): LocalNetworkSpec {
  return {
    hub: { name: 'hub', institution: 'Converge heart-study coordinator', jurisdiction: 'CH' },
    sites: HEART_DISEASE_SITES.map((s) => ({
      name: s.site,
      ...INSTITUTIONS[s.site]!,
      // Every site names the dataset the same, so one job spec addresses all four.
      datasets: [{ ...absoluteDataset(s.dataset), id: 'heart' }],
    })),
    // A partner in China with no data site yet: it votes, and asks for what export controls forbid.
    members: [
      { name: 'pumch', institution: 'Peking Union Medical College Hospital', jurisdiction: 'CN' },
    ],
    // The members agree to start training without a record of earlier jobs.
    collab: {
      id: 'heart',
      domain: 'healthcare',
      title: 'UCI Heart Disease, four hospitals',
      minCleanJobs: 0,
    },
  };
}
