import { z } from 'zod';
import { PrivacyBudgetSpec } from '../learning/index.js';
import { AnalyticsColumns } from './columns.js';

/**
 * A table a data site offers to federated analytics (not to training): where its rows are, how
 * to read them, and the declared bounds and categories of its columns, which must be the same at
 * every site of the collaboration. Only the UCI PRSA air-quality format is read so far.
 */
export const AnalyticsTable = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    /** The CSV file; a relative path is relative to the node directory. */
    path: z.string().min(1, 'must not be empty'),
    format: z.literal('prsa-air-quality'),
    columns: AnalyticsColumns,
    /**
     * The owner's cap on privacy loss over every query this table ever answers; each query's
     * (ε, δ) is charged durably before the site computes, and refused with the numbers if it
     * would not fit. Without a budget the site answers only noisy queries the policy allows.
     */
    privacyBudget: PrivacyBudgetSpec.optional(),
  })
  .strict();
export type AnalyticsTable = z.infer<typeof AnalyticsTable>;
