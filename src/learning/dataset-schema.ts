/**
 * What a data site declares about one of its CSV files, in its node config.
 *
 * DatasetSchema (what the model sees; must agree across sites, see schemaHash):
 *   header       boolean            the first line is a header row
 *   columns      string[]?          names of the columns in order; required when header=false,
 *                                   and when header=true it must equal the header if given
 *   missing      string[]           tokens meaning "missing" (default '', '?', 'NA'); a row with a
 *                                   missing value in any used column is dropped and counted
 *   features     string[]           numeric feature columns, in model-input order
 *   categorical  string[]           one-hot columns (drop_first over the sorted union of categories;
 *                                   numeric-looking values are canonicalised, so '4.0' = '4')
 *   label        { column, positive: { above: number } | { equals: string[] } }
 *
 * DatasetConfig:
 *   id, path (CSV, relative to the node's base directory), schema, split:
 *   { kind: 'file', path, match }   a split CSV with a header holding `line` (0-based index of the
 *                                   data row, header excluded), `set` (train|test) and every column
 *                                   named in `match` (e.g. {file: 'cleveland'}); only matching rows
 *                                   are read, and data rows it does not list are left out
 *   { kind: 'random', testFraction, seed }   a seeded shuffle of the complete rows
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const columnName = z.string().min(1);

export const LabelRule = z.union([
  z.object({ above: z.number() }).strict(),
  z.object({ equals: z.array(z.string()).min(1) }).strict(),
]);
export type LabelRule = z.infer<typeof LabelRule>;

export const DatasetSchema = z
  .object({
    header: z.boolean(),
    columns: z.array(columnName).optional(),
    missing: z.array(z.string()).default(['', '?', 'NA']),
    features: z.array(columnName),
    categorical: z.array(columnName).default([]),
    label: z.object({ column: columnName, positive: LabelRule }).strict(),
    /**
     * Public bounds of each numeric feature, the same at every site: values are clamped to them
     * when the global mean and standard deviation are computed through secure aggregation
     * (jobs with `secureAggregation` need them for every feature).
     */
    bounds: z
      .record(
        columnName,
        z
          .object({ min: z.number().finite(), max: z.number().finite() })
          .strict()
          .refine((b) => b.min < b.max, 'min must be below max'),
      )
      .optional(),
  })
  .strict()
  .superRefine((schema, ctx) => {
    if (!schema.header && schema.columns === undefined) {
      ctx.addIssue({ code: 'custom', path: ['columns'], message: 'required when header is false' });
    }
    if (schema.features.length + schema.categorical.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: 'no feature or categorical column',
      });
    }
    const seen = new Map<string, string>();
    const used: [string, string[]][] = [
      ['features', schema.features],
      ['categorical', schema.categorical],
      ['label.column', [schema.label.column]],
    ];
    for (const [field, names] of used) {
      for (const name of names) {
        const earlier = seen.get(name);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `column '${name}' is already used in ${earlier}`,
          });
        }
        seen.set(name, field);
        if (schema.columns !== undefined && !schema.columns.includes(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `column '${name}' is not in columns`,
          });
        }
      }
    }
    for (const name of Object.keys(schema.bounds ?? {})) {
      if (!schema.features.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['bounds', name],
          message: `'${name}' is not a numeric feature`,
        });
      }
    }
  });
export type DatasetSchema = z.infer<typeof DatasetSchema>;
export type DatasetSchemaInput = z.input<typeof DatasetSchema>;

export const DatasetSplit = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      path: z.string().min(1),
      match: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
  z
    .object({
      kind: z.literal('random'),
      testFraction: z.number().min(0).max(1),
      seed: z.number().int(),
    })
    .strict(),
]);
export type DatasetSplit = z.infer<typeof DatasetSplit>;

/** An owner's (ε, δ) cap on what every release from a dataset or table may spend in total. */
export const PrivacyBudgetSpec = z
  .object({ epsilon: z.number().positive().finite(), delta: z.number().gt(0).lt(1) })
  .strict();

export const DatasetConfig = z
  .object({
    id: z.string().min(1),
    path: z.string().min(1),
    schema: DatasetSchema,
    split: DatasetSplit,
    /**
     * The owner's cap on record-level privacy loss over every DP job this dataset ever takes
     * part in; a dataset with a budget trains only in DP jobs.
     */
    privacyBudget: PrivacyBudgetSpec.optional(),
  })
  .strict();
export type DatasetConfig = z.infer<typeof DatasetConfig>;
export type DatasetConfigInput = z.input<typeof DatasetConfig>;

/** The part of a schema that fixes the model's inputs and target; sites may differ in everything else. */
interface ModelContract {
  version: string;
  bounds?: [string, { min: number; max: number }][];
  features: string[];
  categorical: string[];
  label: { column: string; positive: LabelRule };
}

function modelContract(schema: DatasetSchema): ModelContract {
  const positive =
    'above' in schema.label.positive
      ? { above: schema.label.positive.above }
      : { equals: [...schema.label.positive.equals].sort() };
  return {
    version: 'converge.dataset-contract/1',
    features: schema.features,
    categorical: schema.categorical,
    label: { column: schema.label.column, positive },
    // Bounds fix what secure standardisation computes, so sites must agree on them too.
    ...(schema.bounds ? { bounds: sortedBounds(schema.bounds) } : {}),
  };
}

function sortedBounds(bounds: NonNullable<DatasetSchema['bounds']>) {
  return Object.entries(bounds)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([name, b]) => [name, { min: b.min, max: b.max }] as [string, { min: number; max: number }],
    );
}

/** SHA-256 (hex) of the canonical model contract: features and categorical in order, label rule. */
export function schemaHash(schema: DatasetSchema): string {
  return createHash('sha256')
    .update(JSON.stringify(modelContract(schema)))
    .digest('hex');
}

/** Human-readable reasons why two sites' schemas would not train the same model; [] if none. */
export function diffSchemas(
  a: DatasetSchema,
  b: DatasetSchema,
  names: [string, string] = ['A', 'B'],
): string[] {
  const [nameA, nameB] = names;
  const differences: string[] = [];
  const kinds = [
    ['feature', 'features'],
    ['categorical column', 'categorical'],
  ] as const;
  for (const [noun, key] of kinds) {
    const listA = a[key];
    const listB = b[key];
    for (const name of listA)
      if (!listB.includes(name)) differences.push(`${noun} '${name}' missing at ${nameB}`);
    for (const name of listB)
      if (!listA.includes(name)) differences.push(`${noun} '${name}' missing at ${nameA}`);
    const common = listA.filter((name) => listB.includes(name));
    const commonB = listB.filter((name) => listA.includes(name));
    if (common.join('\u0000') !== commonB.join('\u0000')) {
      differences.push(
        `${key} order differs: ${nameA} [${common.join(', ')}], ${nameB} [${commonB.join(', ')}]`,
      );
    }
  }
  if (a.label.column !== b.label.column) {
    differences.push(
      `label column differs: ${nameA} '${a.label.column}', ${nameB} '${b.label.column}'`,
    );
  }
  const ruleA = JSON.stringify(modelContract(a).label.positive);
  const ruleB = JSON.stringify(modelContract(b).label.positive);
  if (ruleA !== ruleB) differences.push(`label rule differs: ${nameA} ${ruleA}, ${nameB} ${ruleB}`);
  const boundsA = JSON.stringify(modelContract(a).bounds ?? null);
  const boundsB = JSON.stringify(modelContract(b).bounds ?? null);
  if (boundsA !== boundsB) {
    differences.push(`declared bounds differ: ${nameA} ${boundsA}, ${nameB} ${boundsB}`);
  }
  return differences;
}
