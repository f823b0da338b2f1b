import { z } from 'zod';
import { DatasetSchema, LocalStatistics, ModelSpec, Preprocessing } from '../learning/index.js';
import { LocalTraining } from './job-spec.js';

/**
 * The hub-to-site tasks and site-to-hub reports of a training job. Both travel as binary
 * frames (meta as JSON, tensors as little-endian Float32) inside signed envelopes.
 */

const TaskBase = z.object({
  taskId: z.string(),
  jobId: z.string(),
  dataset: z.string(),
  round: z.number().int().min(0),
});

export const Task = z.discriminatedUnion('kind', [
  TaskBase.extend({ kind: z.literal('schema') }),
  TaskBase.extend({ kind: z.literal('statistics') }),
  TaskBase.extend({
    kind: z.literal('baseline'),
    model: ModelSpec,
    local: LocalTraining,
    preprocessing: Preprocessing,
    seed: z.number().int(),
  }),
  TaskBase.extend({
    kind: z.literal('train'),
    model: ModelSpec,
    local: LocalTraining,
    proximalMu: z.number().min(0).optional(),
    preprocessing: Preprocessing,
    seed: z.number().int(),
  }),
  TaskBase.extend({
    kind: z.literal('evaluate'),
    model: ModelSpec,
    preprocessing: Preprocessing,
    /** Names of the models in the frame; tensors are prefixed `<model>/`. */
    models: z.array(z.string()).min(1),
    /** Fine-tune 'global' locally and report it as 'personalized' (own test split only). */
    personalize: LocalTraining.extend({ trainable: z.array(z.string()).optional() }).optional(),
    seed: z.number().int(),
  }),
]);
export type Task = z.infer<typeof Task>;
export type TaskKind = Task['kind'];

export const Evaluation = z.object({
  loss: z.number(),
  accuracy: z.number().min(0).max(1),
  correct: z.number().int().min(0),
  n: z.number().int().min(0),
});
export type Evaluation = z.infer<typeof Evaluation>;

const ReportBase = z.object({ taskId: z.string(), jobId: z.string(), round: z.number().int() });

export const Report = z.discriminatedUnion('kind', [
  ReportBase.extend({
    kind: z.literal('schema'),
    schemaHash: z.string(),
    schema: DatasetSchema,
    rows: z.object({ train: z.number().int(), test: z.number().int(), dropped: z.number().int() }),
  }),
  ReportBase.extend({
    kind: z.literal('statistics'),
    statistics: LocalStatistics,
  }),
  ReportBase.extend({
    kind: z.literal('baseline'),
    numSamples: z.number().int().positive(),
    trainMs: z.number().min(0),
    loss: z.number(),
    evaluation: Evaluation,
  }),
  ReportBase.extend({
    kind: z.literal('train'),
    numSamples: z.number().int().positive(),
    trainMs: z.number().min(0),
    loss: z.number(),
  }),
  /**
   * A site's evaluation, on its own test split, of the global model of `round`. Sent after
   * the site's update for the next round, so evaluation stays off the round's critical path.
   */
  ReportBase.extend({ kind: z.literal('metrics'), evaluation: Evaluation }),
  ReportBase.extend({
    kind: z.literal('evaluate'),
    results: z.record(z.string(), Evaluation),
  }),
]);
export type Report = z.infer<typeof Report>;
export type ReportOf<K extends Report['kind']> = Extract<Report, { kind: K }>;
