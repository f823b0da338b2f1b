import { z } from 'zod';
import { DatasetSchema, LocalStatistics, ModelSpec, Preprocessing } from '../learning/index.js';
import { LocalTraining } from './job-spec.js';
import { ClientNoise, DpTask, PrivacyReport } from './privacy-spec.js';
import { SecAggRoundWire } from './secure-aggregation-spec.js';
import { AnalyticsColumns, AnalyticsEncodingSchema } from '../analytics/index.js';

/**
 * The hub-to-site tasks and site-to-hub reports of a training job. Both travel as binary
 * frames (meta as JSON, tensors as little-endian Float32) inside signed envelopes.
 */

export const SecAggPhase = z.enum(['share-keys', 'masked-input', 'unmasking']);
export type SecAggPhase = z.infer<typeof SecAggPhase>;

const TaskBase = z.object({
  taskId: z.string(),
  jobId: z.string(),
  dataset: z.string(),
  round: z.number().int().min(0),
});

/** Asks a site's witness to cosign a checkpoint of the collaboration's log (tlog-witness). */
export const CosignTask = z.object({
  kind: z.literal('cosign'),
  taskId: z.string(),
  round: z.literal(0),
  /** The tlog-witness add-checkpoint request body: old size, consistency proof, checkpoint. */
  request: z.string().max(64 * 1024),
  /** The latest checkpoint every other witness cosigned, as the hub holds them, to cross-check. */
  peers: z.array(z.string().max(64 * 1024)).max(256),
  /** The collaboration's witness policy (tlog-policy), naming the peers' keys. */
  policy: z.string().max(256 * 1024),
});
export type CosignTask = z.infer<typeof CosignTask>;

export const Task = z.discriminatedUnion('kind', [
  CosignTask,
  TaskBase.extend({
    kind: z.literal('schema'),
    /** A DP job's plan, so a site with a budget refuses it before anyone trains or is charged. */
    privacy: DpTask.optional(),
    local: LocalTraining.optional(),
  }),
  TaskBase.extend({
    kind: z.literal('statistics'),
    /** A secure job: the numeric moments go only through SecAgg+ (secure-statistics.ts). */
    secureAggregation: SecAggRoundWire.optional(),
    encoding: AnalyticsEncodingSchema.optional(),
  }),
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
    /** Train with DP-SGD; the site checks the job's planned spend against its dataset's budget. */
    privacy: DpTask.optional(),
    /**
     * Send the update only through SecAgg+ under these public parameters: the site keeps its
     * update, answers with its advertised keys, and masks the update in a later phase.
     */
    secureAggregation: SecAggRoundWire.optional(),
    /** Client-level DP-FedAvg: clip the update to C and add this site's noise share. */
    clientPrivacy: ClientNoise.optional(),
  }),
  /**
   * One later phase of a SecAgg+ round. The hub's per-site requests are public keys, sealed
   * shares and survivor lists, so one frame carries every recipient's request.
   */
  TaskBase.extend({
    kind: z.literal('secagg'),
    secaggRound: z.string().min(1).max(256),
    phase: SecAggPhase,
    /** Each recipient's request (by key id), base64url of its binary SecAgg encoding. */
    requests: z.record(z.string(), z.string().max(16 * 1024 * 1024)),
  }),
  /** Analytics: which columns the site's table (`dataset`) declares, bounds and categories. */
  TaskBase.extend({ kind: z.literal('describe') }),
  /**
   * Analytics: compute the plan's vector over the table, add this site's noise share, and
   * send it only through SecAgg+ (the plan is checked again at the site; see src/analytics).
   */
  TaskBase.extend({
    kind: z.literal('query'),
    plan: z.unknown(),
    secureAggregation: SecAggRoundWire,
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
/** The tasks of a training job, as opposed to the log's cosign requests. */
export type JobTask = Exclude<Task, { kind: 'cosign' }>;

export const Evaluation = z.object({
  loss: z.number(),
  accuracy: z.number().min(0).max(1),
  correct: z.number().int().min(0),
  n: z.number().int().min(0),
});
export type Evaluation = z.infer<typeof Evaluation>;

const ReportBase = z.object({ taskId: z.string(), jobId: z.string(), round: z.number().int() });

/** A site witness's answer to a cosign task: the tlog-witness response, as is. */
export const CosignReport = z.object({
  kind: z.literal('cosign'),
  taskId: z.string(),
  round: z.literal(0),
  status: z.number().int().min(100).max(599),
  body: z.string().max(64 * 1024),
  contentType: z.string().max(256),
  /** Set when the witness caught the log showing different trees to different witnesses. */
  evidence: z
    .string()
    .max(64 * 1024)
    .optional(),
});
export type CosignReport = z.infer<typeof CosignReport>;

export const Report = z.discriminatedUnion('kind', [
  CosignReport,
  ReportBase.extend({
    kind: z.literal('schema'),
    schemaHash: z.string(),
    schema: DatasetSchema,
    rows: z.object({ train: z.number().int(), test: z.number().int(), dropped: z.number().int() }),
  }),
  ReportBase.extend({
    kind: z.literal('statistics'),
    /** In a secure job `numeric` is empty: the moments follow, masked, in the SecAgg phases. */
    statistics: LocalStatistics,
    secagg: z.string().max(4096).optional(),
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
    /** DP jobs: the (ε, δ) this site has spent on the job up to and including this round. */
    privacy: PrivacyReport.optional(),
    /** Secure aggregation: the site's advertised keys (base64url); the update itself stays home. */
    secagg: z.string().max(4096).optional(),
  }),
  ReportBase.extend({ kind: z.literal('describe'), columns: AnalyticsColumns }),
  /** The site's advertised keys; its vector follows, masked, in the round's later phases. */
  ReportBase.extend({
    kind: z.literal('query'),
    secagg: z.string().max(4096),
    /** What the query charged to the table's privacy budget, if it has one. */
    charged: z.object({ epsilon: z.number().min(0), delta: z.number().gt(0).lt(1) }).optional(),
  }),
  /**
   * A site's answer in a SecAgg+ phase: its message, or why it has none (e.g. it restarted and
   * lost the round's secrets); without a message the site counts as dropped from the round.
   */
  ReportBase.extend({
    kind: z.literal('secagg'),
    secaggRound: z.string().min(1).max(256),
    phase: SecAggPhase,
    message: z
      .string()
      .max(64 * 1024 * 1024)
      .optional(),
    withdrawn: z.string().max(4096).optional(),
  }),
  /**
   * A site declines a task (e.g. its dataset's privacy budget would be exceeded); the hub fails
   * the job with `reason`, which names the numbers.
   */
  ReportBase.extend({
    kind: z.literal('refused'),
    task: z.enum([
      'schema',
      'statistics',
      'baseline',
      'train',
      'evaluate',
      'secagg',
      'describe',
      'query',
    ]),
    reason: z.string().min(1).max(4096),
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
export type JobReport = Exclude<Report, { kind: 'cosign' }>;
