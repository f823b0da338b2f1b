import type { HubOverview } from '../api-types';
import { NotWired } from '../notice';

export function PrivacyPage({ overview }: { overview: HubOverview }) {
  const jobs = overview.collaborations.flatMap((c) => c.jobs);
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy</h1>
      <NotWired>
        <p>
          No privacy budget is enforced yet: training runs without differential privacy, and every
          round's ledger entry records <code>privacySpent: null</code> ({jobs.length} job
          {jobs.length === 1 ? '' : 's'} on this hub). The RDP accountant exists as a calculator:{' '}
          <code>converge dp epsilon</code> and <code>converge dp noise</code>. Budgets per dataset,
          spent and remaining, will show here once jobs spend them.
        </p>
      </NotWired>
    </section>
  );
}
