/** Decision table, consortium pack: [name, request, "allow" or the deciding policy id]. */
import { huExport, pi, type Row } from './table-helpers.js';
import { requests as r } from './world.js';

export const CONSORTIUM: Row[] = [
  [
    'L1 analytics with DP, cohort 10',
    r.analytics({ owner: 'hu-cardiology', collaboration: 'heart-l1', privacy: { cohortSize: 10 } }),
    'allow',
  ],
  [
    'analytics cohort 9',
    r.analytics({ owner: 'hu-cardiology', privacy: { cohortSize: 9 } }),
    'consortium/analytics-minimum-cohort',
  ],
  [
    'analytics without DP',
    r.analytics({ owner: 'hu-cardiology', privacy: { differentialPrivacy: false } }),
    'consortium/analytics-needs-differential-privacy',
  ],
  [
    'training at L1',
    r.train({ owner: 'hu-cardiology', collaboration: 'heart-l1' }),
    'consortium/training-needs-level-2',
  ],
  ['training at L2 with secure aggregation', r.train({ owner: 'hu-cardiology' }), 'allow'],
  [
    'training without secure aggregation',
    r.train({ owner: 'hu-cardiology', privacy: { secureAggregation: false } }),
    'consortium/training-needs-secure-aggregation',
  ],
  [
    'evaluation at L1',
    r.evaluate({ owner: 'hu-cardiology', collaboration: 'heart-l1' }),
    'consortium/training-needs-level-2',
  ],
  ['evaluation at L2', r.evaluate({ owner: 'hu-cardiology' }), 'allow'],
  ['model release at L2', r.release({ owner: 'cleveland' }), 'consortium/release-needs-level-3'],
  ['model release at L3', r.release({ owner: 'cleveland', collaboration: 'heart-l3' }), 'allow'],
  [
    'domain outside the safe zones',
    r.proposeJob({ owner: 'cleveland', collaboration: 'weapons' }),
    'consortium/safe-zone-domains-only',
  ],
  [
    'environmental protection analytics',
    r.analytics({ owner: 'pumch', collaboration: 'air', dataset: 'air-stations' }),
    'allow',
  ],
  ['clean-energy training', r.train({ owner: 'charite', collaboration: 'grid' }), 'allow'],
  [
    'node acting for another institution',
    r.proposeJob({ owner: 'cleveland', principal: { type: 'Node', id: 'pumch-node' } }),
    'consortium/acts-for-owner',
  ],
  [
    'institution acting for itself',
    r.proposeJob({ owner: 'cleveland', principal: { type: 'Institution', id: 'cleveland' } }),
    'allow',
  ],
  ['non-member proposing a job', r.proposeJob({ owner: 'outsider' }), 'consortium/members-only'],
  ['non-member asking to join', r.join({ owner: 'outsider' }), 'allow'],
  [
    'dataset of another collaboration',
    r.analytics({ owner: 'pumch', collaboration: 'air', dataset: 'cn-records' }),
    'consortium/resource-in-collaboration',
  ],
  [
    'raw records declared free of PI',
    huExport({ carriesPersonalInformation: false, destinationCountry: 'DE', recipient: 'charite' }),
    'consortium/personal-information-flag-checked',
  ],
  [
    'transfer origin differs from the dataset',
    r.move({
      owner: 'hu-cardiology',
      dataset: 'hu-records',
      transfer: { ...pi(10), originCountry: 'DE', destinationCountry: 'DE', recipient: 'charite' },
    }),
    'consortium/dataset-origin-matches',
  ],
  [
    'trust 1 to 2, all signed, clean',
    r.raiseTrust({
      owner: 'cleveland',
      collaboration: 'heart-l1',
      proposedLevel: 2,
      allMembersSigned: true,
      cleanRecord: true,
    }),
    'allow',
  ],
  [
    'trust raise missing a signature',
    r.raiseTrust({
      owner: 'cleveland',
      collaboration: 'heart-l1',
      proposedLevel: 2,
      allMembersSigned: false,
      cleanRecord: true,
    }),
    'consortium/trust-needs-every-signature',
  ],
  [
    'trust raise without clean record',
    r.raiseTrust({
      owner: 'cleveland',
      collaboration: 'heart-l1',
      proposedLevel: 2,
      allMembersSigned: true,
      cleanRecord: false,
    }),
    'consortium/trust-needs-clean-record',
  ],
  [
    'trust 1 to 3 in one step',
    r.raiseTrust({
      owner: 'cleveland',
      collaboration: 'heart-l1',
      proposedLevel: 3,
      allMembersSigned: true,
      cleanRecord: true,
    }),
    'consortium/trust-rises-one-step',
  ],
  [
    'pack change signed by all',
    r.changePolicy({ owner: 'cleveland', allMembersSigned: true }),
    'allow',
  ],
  [
    'pack change missing signatures',
    r.changePolicy({ owner: 'cleveland', allMembersSigned: false }),
    'consortium/policy-change-needs-every-signature',
  ],
];
