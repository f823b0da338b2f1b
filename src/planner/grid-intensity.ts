/**
 * National average grid carbon intensity (gCO2/kWh): the default for a site that declares none.
 * The shipped table is data/planner/grid-intensity-2024.json (Ember via co2.js, see its SOURCE.md).
 */
import { z } from 'zod';
import { describeIssues, PlannerInputError } from './errors.js';

const CountryIntensity = z
  .object({
    iso3: z.string().regex(/^[A-Z]{3}$/),
    gco2PerKwh: z.number().nonnegative(),
    year: z.int().optional(),
  })
  .strict();

export const GridIntensityFile = z
  .object({
    description: z.string().optional(),
    unit: z.literal('gCO2/kWh'),
    year: z.int(),
    source: z.string().min(1),
    countries: z.record(z.string().regex(/^[A-Z]{2}$/), CountryIntensity),
    aggregates: z.record(z.string(), z.number().nonnegative()).optional(),
  })
  .strict();
export type GridIntensityFile = z.infer<typeof GridIntensityFile>;

/** Country code → intensity, with the year and source a report can quote. */
export interface GridIntensityTable {
  readonly year: number;
  readonly source: string;
  lookup(country: string): { gco2PerKwh: number; year: number } | undefined;
}

export function parseGridIntensity(
  raw: unknown,
  file = 'grid intensity table',
): GridIntensityTable {
  const parsed = GridIntensityFile.safeParse(raw);
  if (!parsed.success) throw new PlannerInputError(`${file}: ${describeIssues(parsed.error)}`);
  const { year, source, countries } = parsed.data;
  return {
    year,
    source,
    lookup(country) {
      const entry = countries[country];
      return entry === undefined
        ? undefined
        : { gco2PerKwh: entry.gco2PerKwh, year: entry.year ?? year };
    },
  };
}
