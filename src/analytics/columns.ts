/**
 * What a data site declares about the columns it offers to federated analytics, in its dataset
 * config. Bounds and categories are public and must be the same at every site: bounds fix each
 * record's influence (values are clamped to them, so the sensitivity is known) and categories fix
 * the vector layout, so every site's vector lines up with every other's.
 *
 *   { "columns": {
 *       "PM2.5":  { "kind": "numeric", "min": 0, "max": 1000, "unit": "µg/m³" },
 *       "season": { "kind": "categorical", "categories": ["winter", "spring", "summer", "autumn"] } } }
 */
import { z } from 'zod';
import { AnalyticsError, parseOrThrow } from './errors.js';

export const NumericColumn = z
  .object({
    kind: z.literal('numeric'),
    min: z.number({ error: 'must be a finite number' }),
    max: z.number({ error: 'must be a finite number' }),
    unit: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()
  .refine((c) => c.min < c.max, { message: 'must be above min', path: ['max'] });
export type NumericColumn = z.infer<typeof NumericColumn>;

export const CategoricalColumn = z
  .object({
    kind: z.literal('categorical'),
    categories: z
      .array(z.string().min(1, 'must not be empty'))
      .min(1, 'must list at least one category')
      .max(10_000, 'must list at most 10000 categories'),
  })
  .strict()
  .refine((c) => new Set(c.categories).size === c.categories.length, {
    message: 'must not repeat a category',
    path: ['categories'],
  });
export type CategoricalColumn = z.infer<typeof CategoricalColumn>;

export const AnalyticsColumn = z.discriminatedUnion('kind', [NumericColumn, CategoricalColumn]);
export type AnalyticsColumn = z.infer<typeof AnalyticsColumn>;

export const AnalyticsColumns = z.record(z.string().min(1, 'must not be empty'), AnalyticsColumn);
export type AnalyticsColumns = z.infer<typeof AnalyticsColumns>;

/** The `analytics` block of a dataset config. */
export const AnalyticsDeclaration = z.object({ columns: AnalyticsColumns }).strict();
export type AnalyticsDeclaration = z.infer<typeof AnalyticsDeclaration>;

export function parseAnalyticsDeclaration(
  input: unknown,
  source = 'analytics',
): AnalyticsDeclaration {
  return parseOrThrow(AnalyticsDeclaration, input, source);
}

export function numericColumn(
  columns: AnalyticsColumns,
  name: string,
  role: string,
): NumericColumn {
  const column = declared(columns, name, role);
  if (column.kind !== 'numeric') {
    throw new AnalyticsError(
      `${role} '${name}' is declared categorical; it needs a numeric column with bounds`,
    );
  }
  return column;
}

export function categoricalColumn(
  columns: AnalyticsColumns,
  name: string,
  role: string,
): CategoricalColumn {
  const column = declared(columns, name, role);
  if (column.kind !== 'categorical') {
    throw new AnalyticsError(
      `${role} '${name}' is declared numeric; it needs a categorical column with declared categories`,
    );
  }
  return column;
}

export function declared(columns: AnalyticsColumns, name: string, role: string): AnalyticsColumn {
  const column = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (column === undefined) {
    const known = Object.keys(columns).sort().join(', ') || 'none';
    throw new AnalyticsError(
      `${role} '${name}' is not a declared analytics column (declared: ${known})`,
    );
  }
  return column;
}

/**
 * Reasons why two declarations of the same columns differ; [] if they agree. A site must refuse a
 * plan whose declarations differ from its own: its clamping and layout would not match the plan's.
 */
export function diffDeclarations(
  planned: AnalyticsColumns,
  own: AnalyticsColumns,
  names: readonly string[],
): string[] {
  const differences: string[] = [];
  for (const name of names) {
    const a = Object.hasOwn(planned, name) ? planned[name] : undefined;
    const b = Object.hasOwn(own, name) ? own[name] : undefined;
    if (b === undefined) differences.push(`column '${name}' is not declared here`);
    else if (a === undefined) differences.push(`column '${name}' is not in the plan`);
    else if (JSON.stringify(canonical(a)) !== JSON.stringify(canonical(b))) {
      differences.push(
        `column '${name}': planned ${JSON.stringify(canonical(a))}, declared here ${JSON.stringify(canonical(b))}`,
      );
    }
  }
  return differences;
}

function canonical(column: AnalyticsColumn): AnalyticsColumn {
  return column.kind === 'numeric'
    ? {
        kind: 'numeric',
        min: column.min,
        max: column.max,
        ...(column.unit ? { unit: column.unit } : {}),
      }
    : { kind: 'categorical', categories: [...column.categories] };
}
