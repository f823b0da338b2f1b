/**
 * Workloads: the jobs file and its resolved form.
 *
 * JobsFile (jobs.json): workloads[] with
 *   id, kind (training | analytics | evaluation | data-processing), owner {id?, headquarters}
 *   acceleratorHours, or operations + operationsPerSecondPerAccelerator (converted to hours)
 *   accelerators        how many it uses at once (default 1); it runs ceil(hours / (n × slotHours))
 *                       consecutive slots on one site
 *   memoryGiB?          total working set, spread over its accelerators
 *   needs {minTpp, minMemoryGiB}   per accelerator
 *   powerWattsPerAccelerator       for energy: accelerator-hours × W × site PUE
 *   data {site? | country, lat?, lon?, sizeGb, mayMoveTo[], personal, payload?, origins?}
 *   releaseSlot (default 0), deadlineSlot (last slot it may run in; default the horizon's last)
 *   maxLatencyMs?       farthest it may run from its data
 *   count               that many identical workloads, ids `<id>#1` … `<id>#count`
 */
import { z } from 'zod';
import { PlannerInputError } from './errors.js';
import { CountryCode, type Network } from './sites.js';

export const WorkloadKind = z.enum(['training', 'analytics', 'evaluation', 'data-processing']);
export type WorkloadKind = z.infer<typeof WorkloadKind>;

/** What moves when work runs away from its data, in the policy packs' words. */
export const PayloadKind = z.enum(['raw-records', 'derived-records', 'model-update', 'aggregate']);
export type PayloadKind = z.infer<typeof PayloadKind>;

const notes = { source: z.string().optional(), assumption: z.string().optional() };

const DataSpec = z
  .object({
    site: z.string().min(1).optional(),
    country: CountryCode.optional(),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    sizeGb: z.number().nonnegative().default(0),
    /** Countries besides its own where the data may be processed. */
    mayMoveTo: z.array(CountryCode).default([]),
    /** Personal data never moves: work on it runs at the data's own site. */
    personal: z.boolean().default(false),
    /**
     * What would move, if declared (e.g. model updates): the Cedar gate then puts the move to
     * the policy packs as a transfer instead of applying `mayMoveTo`.
     */
    payload: PayloadKind.optional(),
    /** Countries the data is gathered from, when more than its own (each site's update). */
    origins: z.array(CountryCode).min(1).optional(),
    ...notes,
  })
  .strict()
  .superRefine((data, ctx) => {
    if (data.site === undefined && data.country === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['site'],
        message: 'required: a data site or a country',
      });
    }
    if ((data.lat === undefined) !== (data.lon === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['lat'], message: 'lat and lon go together' });
    }
  });

export const WorkloadSpec = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._:#-]+$/, 'expected letters, digits, ".", "_", ":", "#" or "-"'),
    name: z.string().optional(),
    kind: WorkloadKind,
    owner: z.object({ id: z.string().optional(), headquarters: CountryCode }).strict(),
    acceleratorHours: z.number().positive().optional(),
    operations: z.number().positive().optional(),
    operationsPerSecondPerAccelerator: z.number().positive().optional(),
    accelerators: z.int().positive().default(1),
    memoryGiB: z.number().positive().optional(),
    needs: z
      .object({
        minTpp: z.number().nonnegative().default(0),
        minMemoryGiB: z.number().nonnegative().default(0),
      })
      .strict()
      .default({ minTpp: 0, minMemoryGiB: 0 }),
    powerWattsPerAccelerator: z.number().positive(),
    data: DataSpec,
    releaseSlot: z.int().nonnegative().default(0),
    deadlineSlot: z.int().nonnegative().optional(),
    maxLatencyMs: z.number().positive().optional(),
    count: z.int().positive().default(1),
    ...notes,
  })
  .strict()
  .superRefine((w, ctx) => {
    const byOps = w.operations !== undefined || w.operationsPerSecondPerAccelerator !== undefined;
    if (w.acceleratorHours !== undefined && byOps) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations'],
        message: 'give acceleratorHours or operations, not both',
      });
    } else if (w.acceleratorHours === undefined && !byOps) {
      ctx.addIssue({
        code: 'custom',
        path: ['acceleratorHours'],
        message: 'required (or operations with operationsPerSecondPerAccelerator)',
      });
    } else if (byOps && w.operations === undefined) {
      ctx.addIssue({ code: 'custom', path: ['operations'], message: 'required' });
    } else if (byOps && w.operationsPerSecondPerAccelerator === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['operationsPerSecondPerAccelerator'],
        message: 'required',
      });
    }
    if (w.deadlineSlot !== undefined && w.releaseSlot > w.deadlineSlot) {
      ctx.addIssue({ code: 'custom', path: ['releaseSlot'], message: 'after deadlineSlot' });
    }
  });
export type WorkloadSpec = z.infer<typeof WorkloadSpec>;

export const JobsFile = z
  .object({ description: z.string().optional(), workloads: z.array(WorkloadSpec), ...notes })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.workloads.forEach((w, i) => {
      if (ids.has(w.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workloads', i, 'id'],
          message: `duplicate id '${w.id}'`,
        });
      }
      ids.add(w.id);
    });
  });
export type JobsFile = z.infer<typeof JobsFile>;

/** A workload as the planner and the policy gate see it. */
export interface Workload {
  id: string;
  kind: WorkloadKind;
  owner: { id?: string; headquarters: string };
  acceleratorHours: number;
  /** Accelerators it holds at once. */
  accelerators: number;
  /** Per accelerator: the larger of needs.minMemoryGiB and memoryGiB / accelerators. */
  minMemoryGiB: number;
  minTpp: number;
  powerWattsPerAccelerator: number;
  data: {
    site?: string;
    country: string;
    lat?: number;
    lon?: number;
    sizeGb: number;
    mayMoveTo: string[];
    personal: boolean;
    payload?: PayloadKind;
    origins?: string[];
  };
  releaseSlot: number;
  deadlineSlot: number;
  maxLatencyMs?: number;
}

/** Checks references against the network and expands `count`; errors name the field. */
export function resolveWorkloads(file: JobsFile, network: Network): Workload[] {
  const out: Workload[] = [];
  const last = network.horizon.slots - 1;
  file.workloads.forEach((spec, i) => {
    const at = (field: string) => `workloads[${i}].${field}`;
    const dataSite =
      spec.data.site === undefined
        ? undefined
        : network.sites[network.siteIndex.get(spec.data.site) ?? -1];
    if (spec.data.site !== undefined && dataSite === undefined) {
      throw new PlannerInputError(`${at('data.site')}: unknown site '${spec.data.site}'`);
    }
    if (dataSite && spec.data.country !== undefined && spec.data.country !== dataSite.country) {
      throw new PlannerInputError(
        `${at('data.country')}: '${spec.data.country}' but site '${dataSite.id}' is in '${dataSite.country}'`,
      );
    }
    const deadlineSlot = spec.deadlineSlot ?? last;
    if (deadlineSlot > last) {
      throw new PlannerInputError(
        `${at('deadlineSlot')}: ${deadlineSlot} is past the horizon's last slot ${last}`,
      );
    }
    if (spec.releaseSlot > last) {
      throw new PlannerInputError(
        `${at('releaseSlot')}: ${spec.releaseSlot} is past the horizon's last slot ${last}`,
      );
    }
    const acceleratorHours =
      spec.acceleratorHours ??
      (spec.operations ?? 0) / (spec.operationsPerSecondPerAccelerator ?? 1) / 3600;
    const base: Omit<Workload, 'id'> = {
      kind: spec.kind,
      owner: spec.owner,
      acceleratorHours,
      accelerators: spec.accelerators,
      minMemoryGiB: Math.max(spec.needs.minMemoryGiB, (spec.memoryGiB ?? 0) / spec.accelerators),
      minTpp: spec.needs.minTpp,
      powerWattsPerAccelerator: spec.powerWattsPerAccelerator,
      data: {
        site: dataSite?.id,
        country: dataSite?.country ?? spec.data.country ?? '',
        lat: spec.data.lat ?? dataSite?.lat,
        lon: spec.data.lon ?? dataSite?.lon,
        sizeGb: spec.data.sizeGb,
        mayMoveTo: spec.data.mayMoveTo,
        personal: spec.data.personal,
        ...(spec.data.payload ? { payload: spec.data.payload } : {}),
        ...(spec.data.origins ? { origins: spec.data.origins } : {}),
      },
      releaseSlot: spec.releaseSlot,
      deadlineSlot,
      maxLatencyMs: spec.maxLatencyMs,
    };
    if (spec.count === 1) out.push({ id: spec.id, ...base });
    else for (let k = 1; k <= spec.count; k++) out.push({ id: `${spec.id}#${k}`, ...base });
  });
  const seen = new Set<string>();
  for (const w of out) {
    if (seen.has(w.id))
      throw new PlannerInputError(`workloads: id '${w.id}' occurs twice after expanding count`);
    seen.add(w.id);
  }
  return out;
}
