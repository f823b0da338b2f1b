/**
 * Decision table, jurisdiction packs: both sides of every threshold (CN volumes, TPP and
 * performance density, the EO 14110 dates) and the two demo refusals.
 */
import { cnExport, huExport, pi, place, sensitive, type Row } from './table-helpers.js';
import { H100, requests as r } from './world.js';

export const CN: Row[] = [
  ['CN PI 99,999 people, no mechanism (exempt)', cnExport(pi(99_999)), 'allow'],
  [
    'CN PI 100,000 people, no mechanism',
    cnExport(pi(100_000)),
    'cn/personal-information-100k-needs-standard-contract',
  ],
  [
    'CN PI 100,000 people, standard contract',
    cnExport(pi(100_000, { cacStandardContract: true })),
    'allow',
  ],
  [
    'CN PI 999,999 people, standard contract',
    cnExport(pi(999_999, { cacStandardContract: true })),
    'allow',
  ],
  [
    'CN PI 1,000,000 people, standard contract',
    cnExport(pi(1_000_000, { cacStandardContract: true })),
    'cn/personal-information-1m-needs-security-assessment',
  ],
  [
    'CN PI 1,000,000 people, security assessment',
    cnExport(pi(1_000_000, { cacSecurityAssessment: true })),
    'allow',
  ],
  [
    'CN sensitive PI 9,999 people, standard contract',
    cnExport(sensitive(9_999, { cacStandardContract: true })),
    'allow',
  ],
  [
    'CN sensitive PI 9,999 people, no mechanism',
    cnExport(sensitive(9_999)),
    'cn/sensitive-personal-information-needs-standard-contract',
  ],
  [
    'CN sensitive PI 10,000 people, standard contract',
    cnExport(sensitive(10_000, { cacStandardContract: true })),
    'cn/sensitive-personal-information-10k-needs-security-assessment',
  ],
  [
    'CN sensitive PI 10,000 people, security assessment',
    cnExport(sensitive(10_000, { cacSecurityAssessment: true })),
    'allow',
  ],
  [
    'CN important data without assessment',
    r.analytics({ owner: 'pumch', dataset: 'cn-records', transfer: { importantData: true } }),
    'cn/important-data-needs-security-assessment',
  ],
  [
    'CN important data with assessment',
    r.analytics({
      owner: 'pumch',
      dataset: 'cn-records',
      transfer: { importantData: true, cacSecurityAssessment: true },
    }),
    'allow',
  ],
  [
    'CN CIIO exporting any PI',
    r.move({
      owner: 'cn-grid-ciio',
      collaboration: 'grid',
      dataset: 'cn-records',
      transfer: { ...pi(5), cacStandardContract: true },
    }),
    'cn/ciio-personal-information-needs-security-assessment',
  ],
  [
    'CN model update without PI (not a transfer)',
    r.train({ owner: 'pumch', transfer: pi(5_000_000) }),
    'allow',
  ],
  [
    'CN records moved within China',
    cnExport({ ...pi(2_000_000), destinationCountry: 'CN', recipient: 'cn-grid-ciio' }),
    'allow',
  ],
];

export const US: Row[] = [
  [
    'demo: CN institution on an H100 at a US site',
    place('pumch', H100.tpp, H100.performanceDensity),
    'us/eccn-3a090-a1-d5-headquartered',
  ],
  ['CN institution, TPP 4,799 (PD 1.0)', place('pumch', 4_799, 1.0), 'allow'],
  [
    'CN institution, TPP 4,800 (PD 1.0)',
    place('pumch', 4_800, 1.0),
    'us/eccn-3a090-a1-d5-headquartered',
  ],
  ['CN institution, TPP 1,600 with PD 5.91', place('pumch', 1_600, 5.91), 'allow'],
  [
    'CN institution, TPP 1,600 with PD 5.92',
    place('pumch', 1_600, 5.92),
    'us/eccn-3a090-a2-d5-headquartered',
  ],
  ['CN institution, TPP 1,599 with PD 6.0', place('pumch', 1_599, 6.0), 'allow'],
  ['CN institution, H20 (TPP 2,368, PD 2.9)', place('pumch', 2_368, 2.9), 'allow'],
  ['JP institution on an H100', place('tokyo-univ', H100.tpp, H100.performanceDensity), 'allow'],
  [
    'SG subsidiary headquartered in CN on an H100',
    place('sg-sub-of-cn', H100.tpp, H100.performanceDensity),
    'us/eccn-3a090-a1-d5-headquartered',
  ],
  [
    'Macau institution on an A100',
    place('macau-lab', 4_992, 6.0),
    'us/eccn-3a090-a1-d5-headquartered',
  ],
  [
    'CN institution on an H100 at a CN site (US member involved)',
    r.place({ owner: 'pumch', site: 'cn-site', ...H100, jurisdictions: ['US'] }),
    'us/eccn-3a090-a1-d5-headquartered',
  ],
  [
    'Entity List party',
    r.proposeJob({ owner: 'listed-lab', jurisdictions: ['US'] }),
    'us/entity-list-party-refused',
  ],
  [
    'sending an update to an Entity List party',
    r.train({
      owner: 'cleveland',
      transfer: { destinationCountry: 'CN', recipient: 'listed-lab' },
    }),
    'us/entity-list-recipient-refused',
  ],
  [
    'foreign customer without verified identity at a US site',
    place('de-unverified', 100, 0.5),
    'us/iaas-foreign-customer-identity-verified',
  ],
  ['foreign customer with verified identity at a US site', place('charite', 100, 0.5), 'allow'],
  ['unverified customer at a DE site', place('de-unverified', 100, 0.5, 'de-site'), 'allow'],
  [
    '2e26-operation training after EO 14110 was revoked',
    r.train({ owner: 'cleveland', exaOperations: 200_000_000 }),
    'allow',
  ],
  [
    '2e26-operation training in 2024, no notice',
    r.train({ owner: 'cleveland', exaOperations: 200_000_000, date: '2024-06-01' }),
    'us/eo14110-large-training-notice',
  ],
  [
    '2e26-operation training in 2024, notice filed',
    r.place({
      owner: 'cleveland',
      site: 'us-site',
      tpp: 100,
      performanceDensity: 1,
      exaOperations: 200_000_000,
      noticeFiled: true,
      date: '2024-06-01',
    }),
    'allow',
  ],
  [
    'exactly 1e26 operations in 2024',
    r.train({ owner: 'cleveland', exaOperations: 100_000_000, date: '2024-06-01' }),
    'allow',
  ],
  [
    '1e26 + 1e18 operations on the day before revocation',
    r.train({ owner: 'cleveland', exaOperations: 100_000_001, date: '2025-01-19' }),
    'us/eo14110-large-training-notice',
  ],
  [
    'same, on the day of revocation',
    r.train({ owner: 'cleveland', exaOperations: 100_000_001, date: '2025-01-20' }),
    'allow',
  ],
];

export const EU: Row[] = [
  [
    'demo: raw Hungarian records to a US site',
    huExport({ destinationCountry: 'US', recipient: 'cleveland' }),
    'eu/gdpr-us-recipient-needs-dpf-or-safeguards',
  ],
  [
    'HU records to a DPF-certified US recipient',
    huExport({ destinationCountry: 'US', recipient: 'mayo-dpf' }),
    'allow',
  ],
  [
    'HU records to the US under SCCs',
    huExport({
      destinationCountry: 'US',
      recipient: 'cleveland',
      standardContractualClauses: true,
    }),
    'allow',
  ],
  [
    'HU records to Japan (adequacy)',
    huExport({ destinationCountry: 'JP', recipient: 'tokyo-univ' }),
    'allow',
  ],
  [
    'HU records to Switzerland (adequacy)',
    huExport({ destinationCountry: 'CH', recipient: 'zurich' }),
    'allow',
  ],
  [
    'HU records to Brazil, no SCCs',
    huExport({ destinationCountry: 'BR', recipient: 'sao-paulo' }),
    'eu/gdpr-transfer-needs-adequacy-or-safeguards',
  ],
  [
    'HU records to Brazil under SCCs',
    huExport({
      destinationCountry: 'BR',
      recipient: 'sao-paulo',
      standardContractualClauses: true,
    }),
    'allow',
  ],
  [
    'HU records to Germany (inside the EEA)',
    huExport({ destinationCountry: 'DE', recipient: 'charite' }),
    'allow',
  ],
  ['HU model update to a US hub (no personal data)', r.train({ owner: 'hu-cardiology' }), 'allow'],
];
