import { combineStatistics, diffSchemas, initModel } from '../learning/index.js';
import type { Preprocessing } from '../learning/index.js';
import { decodeSecAggSum } from '../analytics/index.js';
import { planSecureStatistics, secureStatisticsResult } from './secure-statistics.js';
import type { Weights } from '../learning/weights.js';
import { decodeFrame, encodeFrame, frameSha256 } from '../node/frame.js';
import type { HubContext } from './hub-context.js';
import { getJob, reportsFor, updateJob } from './job-records.js';
import type { JobRecord } from './job-records.js';
import type { JobTask as Task, ReportOf } from './protocol.js';
import {
  completeRound,
  lastCompleteRound,
  openRound,
  recordRoundMetrics,
  saveInitialModel,
  updatesFor,
} from './round-records.js';
import { loadModels } from './model-records.js';
import { createStrategy } from './strategies/index.js';
import type { StrategyState } from './strategies/index.js';
import { pooledMetrics } from './metrics.js';
import type { LedgerEvent } from './record/entries.js';
import { sha256Json } from './record/hashing.js';
import { listRounds } from './round-records.js';
import { roundPrivacySpent } from './round-privacy.js';
import { Refusal } from './refusal.js';
import { placeJob } from './placement.js';
import { SecureRound } from './secure-round.js';
import type { PostedTask } from './task-board.js';
import { gatherReports, offerTask } from './task-exchange.js';
import type { FitResult } from './strategies/index.js';
import type { SealedEnvelope } from '../identity/index.js';
import {
  fixedDenominatorMean,
  RoundFailedError,
  SecAggConfigError,
  unflattenTensors,
} from '../privacy/index.js';
import {
  ClientPrivacyAccount,
  planClientNoise,
  type ClientPrivacySpent,
} from './client-privacy.js';
import { secureAggregationSettings } from './secure-aggregation-spec.js';

/** A job that cannot go on; its message is what the member who proposed it reads. */
export class JobFailure extends Error {
  override name = 'JobFailure';
}

export interface JobSetup {
  participants: string[];
  preprocessing: Preprocessing;
}

/**
 * Drives one training job through its phases as a persistent state machine: every phase
 * reads what is already durable first, so a restarted hub picks up where it stopped.
 */
export class JobDriver {
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: HubContext,
    private job: JobRecord,
  ) {}

  stop(): void {
    this.abort.abort();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  async run(): Promise<void> {
    try {
      if (this.job.phase === 'schema') await this.checkSchemas();
      if (this.stopped) return;
      if (this.job.phase === 'statistics') {
        if (this.job.spec.secureAggregation) await this.gatherSecureStatistics();
        else await this.gatherStatistics();
      }
      if (this.stopped) return;
      if (this.job.phase === 'baseline') await this.trainBaselines();
      if (this.stopped) return;
      if (this.job.phase === 'training') await this.train();
      if (this.stopped) return;
      let pooledAccuracy: number | undefined;
      if (this.job.phase === 'evaluation') pooledAccuracy = await this.evaluate();
      if (this.stopped) return;
      await this.recordRelease(pooledAccuracy);
      await this.advance('done', 'finished');
      this.ctx.onProgress(this.job.id, { kind: 'finished' });
    } catch (e) {
      if (this.stopped) return;
      const error = e instanceof Error ? e.message : String(e);
      this.ctx.log.error({ job: this.job.id, error }, 'job failed');
      const { collabId: collab, id: job } = this.job;
      const rounds = (await lastCompleteRound(this.ctx.db, job))?.round ?? 0;
      await this.ctx.record(collab, [
        { type: 'job.finished', collab, job, status: 'failed', error, rounds, at: Date.now() },
      ]);
      await updateJob(this.ctx.db, this.job.id, { status: 'failed', error });
      this.ctx.onProgress(this.job.id, { kind: 'failed', error });
    }
  }

  private async advance(phase: JobRecord['phase'], status?: JobRecord['status']) {
    await updateJob(this.ctx.db, this.job.id, { phase, ...(status ? { status } : {}) });
    this.job = (await getJob(this.ctx.db, this.job.id))!;
    this.ctx.onProgress(this.job.id, { kind: 'phase', phase });
  }

  private taskBase(kind: string, round: number) {
    return {
      taskId: `${this.job.id}/${kind}/${round}`,
      jobId: this.job.id,
      dataset: this.job.spec.dataset,
      round,
    };
  }

  /** Offer a task to the recipients and wait for their durable reports until the deadline. */
  private async collect<K extends Task['kind']>(
    task: Task & { kind: K },
    tensors: Weights,
    recipients: string[],
    deadline: number,
    enough = recipients.length,
    ready?: Promise<void>,
  ): Promise<Map<string, ReportOf<K>>> {
    const { db } = this.ctx;
    const already = await reportsFor(db, this.job.id, task.kind, task.round);
    const posted = {
      collab: this.job.collabId,
      task,
      frame: encodeFrame(task, tensors),
      tensors,
      recipients: new Set(recipients),
      reported: new Set([...already.keys()].filter((s) => recipients.includes(s))),
      ...(ready ? { ready } : {}),
    };
    await this.offer(posted, deadline, enough);
    const reports = await reportsFor(db, this.job.id, task.kind, task.round);
    for (const site of reports.keys()) if (!recipients.includes(site)) reports.delete(site);
    await this.expectEnough(task, recipients, new Set(reports.keys()), enough);
    return reports;
  }

  private offer(posted: PostedTask, deadline: number, enough: number): Promise<void> {
    const grace = 10 * this.job.spec.roundTimeoutMs;
    return offerTask(this.ctx.board, posted, deadline, enough, grace, this.abort.signal);
  }

  /** Like collect, but the reports are taken in memory by `accept` as they arrive. */
  private async gather(
    task: Task,
    tensors: Weights,
    recipients: string[],
    deadline: number,
    enough: number,
    accept: NonNullable<PostedTask['accept']>,
  ): Promise<void> {
    const reported = await gatherReports(this.ctx.board, {
      collab: this.job.collabId,
      task,
      tensors,
      recipients,
      deadline,
      enough,
      graceMs: 10 * this.job.spec.roundTimeoutMs,
      signal: this.abort.signal,
      accept,
      log: this.ctx.log.child({ job: this.job.id }),
    });
    await this.expectEnough(task, recipients, reported, enough);
  }

  private async expectEnough(
    task: Task,
    recipients: string[],
    reported: ReadonlySet<string>,
    enough: number,
  ): Promise<void> {
    if (reported.size >= enough || this.stopped) return;
    const missing = await this.names(recipients.filter((s) => !reported.has(s)));
    throw new JobFailure(
      `${task.kind} (round ${task.round}): only ${reported.size} of ${recipients.length} sites reported, ` +
        `at least ${enough} needed; no answer from ${missing.join(', ')}`,
    );
  }

  private async names(keys: string[]): Promise<string[]> {
    return Promise.all(keys.map((k) => this.ctx.nameOf(this.job.collabId, k)));
  }

  private setupDeadline(): number {
    return Date.now() + this.job.spec.setupTimeoutMs;
  }

  private setup(): JobSetup {
    return this.job.preprocessing as JobSetup;
  }

  private async checkSchemas(): Promise<void> {
    const sites = await this.ctx.sitesOf(this.job.collabId);
    const spec = this.job.spec;
    const task = {
      ...this.taskBase('schema', 0),
      kind: 'schema' as const,
      ...(spec.privacy
        ? { privacy: { ...spec.privacy, rounds: spec.rounds }, local: spec.local }
        : {}),
    };
    const reports = await this.collect<'schema'>(
      task,
      [],
      sites,
      this.setupDeadline(),
      Math.min(sites.length, this.job.spec.minSites),
    );
    const byHash = new Map<string, string[]>();
    for (const [site, r] of reports)
      byHash.set(r.schemaHash, [...(byHash.get(r.schemaHash) ?? []), site]);
    if (byHash.size > 1) {
      // The largest group is the reference; every other site is named with its differences.
      const groups = [...byHash.values()].sort((a, b) => b.length - a.length);
      const reference = groups[0]![0]!;
      const refName = await this.ctx.nameOf(this.job.collabId, reference);
      const problems: string[] = [];
      for (const group of groups.slice(1)) {
        for (const site of group) {
          const diff = diffSchemas(reports.get(reference)!.schema, reports.get(site)!.schema);
          const name = await this.ctx.nameOf(this.job.collabId, site);
          problems.push(`site ${name} differs from ${refName}: ${diff.join('; ')}`);
        }
      }
      throw new JobFailure(`schema mismatch, refusing to start: ${problems.join(' | ')}`);
    }
    await this.advance('statistics');
  }

  private async gatherStatistics(): Promise<void> {
    const schemas = await reportsFor(this.ctx.db, this.job.id, 'schema', 0);
    const sites = [...schemas.keys()];
    const task = { ...this.taskBase('statistics', 0), kind: 'statistics' as const };
    const reports = await this.collect<'statistics'>(
      task,
      [],
      sites,
      this.setupDeadline(),
      Math.min(sites.length, this.job.spec.minSites),
    );
    const schema = schemas.get(sites[0]!)!.schema;
    const preprocessing = combineStatistics(
      [...reports.values()].map((r) => r.statistics),
      schema,
    );
    await this.startTraining([...reports.keys()].sort(), preprocessing);
  }

  /**
   * A secure job's standardisation: the numeric moments only as a SecAgg+ sum over the sites,
   * within the schema's declared bounds (secure-statistics.ts); the sites in the sum take part.
   */
  private async gatherSecureStatistics(): Promise<void> {
    const schemas = await reportsFor(this.ctx.db, this.job.id, 'schema', 0);
    const sites = [...schemas.keys()].sort();
    const schema = schemas.get(sites[0]!)!.schema;
    const maxRows = Math.max(...sites.map((s) => schemas.get(s)!.rows.train));
    const plan = planSecureStatistics(schema, sites.length, maxRows);
    const q = plan.encoding.quantization;
    let secure: SecureRound;
    try {
      secure = SecureRound.create({
        id: `${this.job.id}/statistics`,
        sites,
        vectorLength: plan.vectorLength,
        maxWeight: q.maxWeight,
        spec: { clippingRange: q.clippingRange, quantizationRange: q.quantizationRange },
      });
    } catch (e) {
      if (e instanceof SecAggConfigError) {
        throw new JobFailure(
          `secure aggregation cannot run over ${sites.length} sites: ${e.message}`,
        );
      }
      throw e;
    }
    const task = {
      ...this.taskBase('statistics', 0),
      kind: 'statistics' as const,
      secureAggregation: secure.wire,
      encoding: plan.encoding,
    };
    const categories = new Map<string, ReportOf<'statistics'>['statistics']['categories']>();
    const enough = Math.min(sites.length, this.job.spec.minSites);
    await this.gather(task, [], sites, this.setupDeadline(), enough, (site, report) => {
      if (report.kind !== 'statistics') throw new Refusal(409, 'expected a statistics report');
      secure.takeAdvertisement(site, report.secagg);
      categories.set(site, report.statistics.categories);
    });
    const result = await this.completeSecure(secure, 'statistics', 0);
    const sum = decodeSecAggSum(result, plan.encoding);
    const survivors = result.survivors.sort();
    const preprocessing = secureStatisticsResult(
      sum,
      schema,
      survivors.map((s) => categories.get(s)!),
    );
    await this.startTraining(survivors, preprocessing);
  }

  private async startTraining(participants: string[], preprocessing: Preprocessing): Promise<void> {
    const setup: JobSetup = { participants, preprocessing };
    const spec = this.job.spec;
    const initial = await initModel(spec.model, preprocessing.featureNames.length, spec.seed);
    const frame = encodeFrame({ round: 0 }, initial);
    // Where the job's aggregation should run (placement.ts), logged with its start; a planner
    // failure is written into that entry and never fails the job.
    await this.ctx.record(this.job.collabId, [
      {
        type: 'job.started',
        collab: this.job.collabId,
        job: this.job.id,
        participants: setup.participants,
        preprocessingSha256: sha256Json(preprocessing),
        initialModelSha256: frameSha256(frame),
        at: Date.now(),
      },
      ...(await placeJob(this.ctx, this.job, setup.participants, frame.byteLength)),
    ]);
    await updateJob(this.ctx.db, this.job.id, { preprocessing: setup });
    await saveInitialModel(this.ctx.db, this.job.id, frame, frameSha256(frame));
    await this.advance(this.job.spec.localBaseline ? 'baseline' : 'training');
  }

  private async trainBaselines(): Promise<void> {
    const { participants, preprocessing } = this.setup();
    const spec = this.job.spec;
    const initial = decodeFrame((await lastCompleteRound(this.ctx.db, this.job.id))!.globalModel!);
    const task = {
      ...this.taskBase('baseline', 0),
      kind: 'baseline' as const,
      model: spec.model,
      local: spec.localBaseline!,
      preprocessing,
      seed: spec.seed,
    };
    await this.collect(
      task,
      initial.tensors,
      participants,
      this.setupDeadline(),
      Math.min(spec.minSites, participants.length),
    );
    await this.advance('training');
  }

  private async train(): Promise<void> {
    const { db } = this.ctx;
    const spec = this.job.spec;
    const { participants, preprocessing } = this.setup();
    const strategy = createStrategy(spec.strategy);
    // Resume from the newest durable round; afterwards the model and optimizer state stay in memory.
    const last = (await lastCompleteRound(db, this.job.id))!;
    let global = decodeFrame(last.globalModel!).tensors;
    let state = last.strategyState ? decodeStrategyState(last.strategyState) : null;
    // Round r+1 is offered while round r is being made durable: sites start training at once,
    // and the hub takes no r+1 update until round r is committed and r+1 is open (`ready`). A
    // crash in between redoes round r from its stored updates, to the same model.
    let previous: Promise<void> = Promise.resolve();
    const clientNoise = spec.clientPrivacy
      ? planClientNoise(
          spec.clientPrivacy,
          participants.length,
          spec.rounds,
          secureAggregationSettings(spec.secureAggregation ?? {}).clippingRange,
        )
      : undefined;
    const clientAccount = clientNoise
      ? new ClientPrivacyAccount(
          clientNoise,
          spec.clientPrivacy!.delta,
          await publishedClientNoise(db, this.job.id),
        )
      : undefined;
    // DP-FedAvg weighs every site the same; otherwise sites weigh by their training rows.
    const maxWeight = clientNoise ? 1 : await this.largestTrainingSet(participants);
    for (let round = last.round + 1; round <= spec.rounds && !this.stopped; round++) {
      const started = Date.now();
      const secure = spec.secureAggregation
        ? this.openSecureRound(round, participants, global, maxWeight)
        : undefined;
      const ready = previous.then(() =>
        openRound(db, this.job.id, round, started + spec.roundTimeoutMs).then(() => undefined),
      );
      ready.catch(() => undefined); // awaited below; never an unhandled rejection
      const task = {
        ...this.taskBase('train', round),
        kind: 'train' as const,
        model: spec.model,
        local: spec.local,
        ...strategy.clientConfig(round),
        preprocessing,
        seed: spec.seed,
        ...(spec.privacy ? { privacy: { ...spec.privacy, rounds: spec.rounds } } : {}),
        ...(secure ? { secureAggregation: secure.wire } : {}),
        ...(clientNoise ? { clientPrivacy: clientNoise } : {}),
      };
      const taken = secure
        ? await this.secureRound(task, global, participants, started, secure, clientAccount)
        : await this.clearRound(task, global, participants, started, ready);
      await ready;
      if (this.stopped) return;
      const next = strategy.aggregate({ round, global, state, results: taken.results });
      const frame = encodeFrame({ round }, next.weights);
      const participated = taken.contributions.map((u) => u.site);
      const dropped = participants.filter((s) => !participated.includes(s));
      const modelSha256 = frameSha256(frame);
      const trainLoss = meanLoss(taken.contributions);
      // One commit for the round: each site's receipt (its own signed envelope over what it
      // sent: the update, or with secure aggregation its masked input), then the round itself.
      const receipts: LedgerEvent[] = taken.contributions.flatMap((u) =>
        u.sealed
          ? [
              {
                type: 'contribution.receipt' as const,
                collab: this.job.collabId,
                job: this.job.id,
                round,
                site: u.site,
                payloadSha256: u.payloadSha256,
                numSamples: u.numSamples,
                sealed: u.sealed,
              },
            ]
          : [],
      );
      const closed = this.ctx.record(this.job.collabId, [
        ...receipts,
        {
          type: 'round.closed',
          collab: this.job.collabId,
          job: this.job.id,
          round,
          contributions: taken.contributions.map((u) => ({
            site: u.site,
            payloadSha256: u.payloadSha256,
            numSamples: u.numSamples,
          })),
          dropped,
          modelSha256,
          trainLoss,
          privacySpent: roundPrivacySpent(taken.reports),
          ...(taken.clientPrivacy ? { clientPrivacy: taken.clientPrivacy } : {}),
          ...(taken.secure ? { secureAggregation: taken.secure } : {}),
          at: Date.now(),
        },
      ]);
      const ms = Date.now() - started;
      previous = closed
        .then(() =>
          completeRound(
            db,
            this.job.id,
            round,
            {
              participants: participated,
              dropped,
              globalModel: frame,
              globalModelSha256: modelSha256,
              strategyState: next.state ? encodeStrategyState(next.state) : null,
              metrics: {
                trainLoss,
                ...(taken.clientPrivacy ? { clientPrivacy: taken.clientPrivacy } : {}),
              },
            },
            taken.secure ? [...taken.reports].map(([site, report]) => ({ site, report })) : [],
          ),
        )
        .then(() => {
          this.ctx.onProgress(this.job.id, {
            kind: 'round',
            round,
            participants: participated,
            dropped,
            ms,
          });
        });
      previous.catch(() => undefined); // awaited by the next round or below
      global = next.weights;
      state = next.state;
    }
    await previous;
    if (!this.stopped) await this.advance('evaluation');
  }

  /** Updates in clear: each stored durably as it arrives; a restarted hub reuses them. */
  private async clearRound(
    task: TrainTask,
    global: Weights,
    participants: string[],
    started: number,
    ready: Promise<void>,
  ): Promise<TakenRound> {
    const spec = this.job.spec;
    const reports = await this.collect<'train'>(
      task,
      global,
      participants,
      started + spec.roundTimeoutMs,
      Math.min(spec.minSites, participants.length),
      ready,
    );
    await ready;
    const updates = (await updatesFor(this.ctx.db, this.job.id, task.round)).filter((u) =>
      reports.has(u.site),
    );
    return {
      contributions: updates,
      results: updates.map((u) => ({
        site: u.site,
        numSamples: u.numSamples,
        weights: decodeFrame(u.payload).tensors,
      })),
      reports,
    };
  }

  /**
   * SecAgg+: sites train and advertise keys, then mask their updates; the hub learns only the
   * sample-weighted sum, which becomes one result (the weighted mean update applied to the
   * global model) for the strategy. The round is atomic: a restarted hub redoes it with fresh keys.
   */
  private async secureRound(
    task: TrainTask,
    global: Weights,
    participants: string[],
    started: number,
    secure: SecureRound,
    clientAccount?: ClientPrivacyAccount,
  ): Promise<TakenRound> {
    const spec = this.job.spec;
    const reports = new Map<string, ReportOf<'train'>>();
    await this.gather(
      task,
      global,
      participants,
      started + spec.roundTimeoutMs,
      Math.min(spec.minSites, participants.length),
      (site, report) => {
        if (report.kind !== 'train') throw new Refusal(409, `expected a train report`);
        secure.takeAdvertisement(site, report.secagg);
        reports.set(site, report);
      },
    );
    const result = await this.completeSecure(secure, 'secagg', task.round);
    for (const [site, reason] of result.withdrawals) {
      this.ctx.log.warn({ job: this.job.id, round: task.round, site, reason }, 'site withdrew');
    }
    // DP-FedAvg divides the noisy sum by the number of participants, not of survivors, so
    // that one site's influence on the mean stays C / n (the fixed-denominator estimate).
    const clientPrivacy = clientAccount?.publish(result.survivors.length);
    const mean = clientAccount
      ? fixedDenominatorMean(Float32Array.from(result.weightedSum), participants.length)
      : result.mean;
    if (mean === null) {
      throw new JobFailure(`secure aggregation of round ${task.round}: every weight was 0`);
    }
    const contributions = result.survivors.map((site) => ({
      site,
      numSamples: reports.get(site)!.numSamples,
      loss: reports.get(site)!.loss,
      payloadSha256: result.receipts.get(site)!.payloadSha256,
      sealed: result.receipts.get(site)!.sealed,
    }));
    const delta = unflattenTensors(mean, global);
    const weights = global.map((t, i) => ({
      ...t,
      data: Float32Array.from(t.data, (v, j) => v + delta[i]!.data[j]!),
    }));
    const survived = new Map([...reports].filter(([site]) => result.survivors.includes(site)));
    return {
      contributions,
      results: [
        {
          site: 'secure-aggregate',
          numSamples: contributions.reduce((n, c) => n + c.numSamples, 0),
          weights,
        },
      ],
      reports: survived,
      ...(clientPrivacy ? { clientPrivacy } : {}),
      secure: {
        round: secure.id,
        neighbours: secure.wire.neighbours,
        threshold: secure.wire.threshold,
        errorBound: result.errorBound,
      },
    };
  }

  /** SecAgg+ phases 2–4 of `secure`; a round too small to finish fails the job, naming why. */
  private async completeSecure(secure: SecureRound, kind: string, round: number) {
    const timeout = this.job.spec.roundTimeoutMs;
    try {
      return await secure.complete(
        (phaseTask, recipients, accept) =>
          this.gather(phaseTask, [], recipients, Date.now() + timeout, 0, accept),
        this.taskBase(kind, round),
      );
    } catch (e) {
      if (e instanceof RoundFailedError) {
        const what = kind === 'statistics' ? 'of the statistics' : `of round ${round}`;
        throw new JobFailure(`secure aggregation ${what} failed: ${e.message}`);
      }
      throw e;
    }
  }

  private openSecureRound(
    round: number,
    participants: string[],
    global: Weights,
    maxWeight: number,
  ): SecureRound {
    try {
      return SecureRound.create({
        id: `${this.job.id}/${round}`,
        sites: participants,
        vectorLength: global.reduce((n, t) => n + t.data.length, 0),
        maxWeight,
        spec: this.job.spec.secureAggregation!,
      });
    } catch (e) {
      if (e instanceof SecAggConfigError) {
        throw new JobFailure(
          `secure aggregation cannot run over ${participants.length} sites: ${e.message}`,
        );
      }
      throw e;
    }
  }

  /** The weight scale of a secure round: no site trains on more rows than its schema report said. */
  private async largestTrainingSet(participants: string[]): Promise<number> {
    const schemas = await reportsFor(this.ctx.db, this.job.id, 'schema', 0);
    return Math.max(1, ...participants.map((s) => schemas.get(s)?.rows.train ?? 0));
  }

  /** The final model and where it came from, then the job's end, in the log. */
  private async recordRelease(pooledAccuracy: number | undefined): Promise<void> {
    const rounds = await listRounds(this.ctx.db, this.job.id);
    const complete = rounds.filter((r) => r.globalModelSha256 !== null);
    const initial = complete.find((r) => r.round === 0);
    const trained = complete.filter((r) => r.round > 0);
    const last = complete.at(-1);
    if (!last || !initial) return;
    const { collabId: collab, id: job } = this.job;
    const at = Date.now();
    await this.ctx.record(collab, [
      {
        type: 'model.released',
        collab,
        job,
        modelSha256: last.globalModelSha256!,
        lineage: {
          initialModelSha256: initial.globalModelSha256!,
          roundModels: trained.map((r) => r.globalModelSha256!),
          strategy: this.job.spec.strategy.name,
          contributors: [...new Set(trained.flatMap((r) => r.participants ?? []))].sort(),
        },
        at,
      },
      {
        type: 'job.finished',
        collab,
        job,
        status: 'finished',
        rounds: last.round,
        ...(pooledAccuracy !== undefined ? { pooledAccuracy } : {}),
        at,
      },
    ]);
  }

  private async evaluate(): Promise<number> {
    const { db } = this.ctx;
    const { participants, preprocessing } = this.setup();
    const last = (await lastCompleteRound(db, this.job.id))!;
    const tensors: Weights = prefixed('global', decodeFrame(last.globalModel!).tensors);
    const models = ['global'];
    for (const m of await loadModels(db, this.job.id)) {
      models.push(m.name);
      tensors.push(...prefixed(m.name, decodeFrame(m.payload).tensors));
    }
    const task = {
      ...this.taskBase('evaluate', last.round),
      kind: 'evaluate' as const,
      model: this.job.spec.model,
      preprocessing,
      models,
      ...(this.job.spec.personalization ? { personalize: this.job.spec.personalization } : {}),
      seed: this.job.spec.seed,
    };
    const reports = await this.collect<'evaluate'>(
      task,
      tensors,
      participants,
      this.setupDeadline(),
      Math.min(this.job.spec.minSites, participants.length),
    );
    const globalBySite = new Map([...reports].map(([s, r]) => [s, r.results['global']!]));
    const pooled = pooledMetrics(globalBySite);
    await recordRoundMetrics(db, this.job.id, last.round, pooled);
    return pooled.pooledAccuracy;
  }
}

type TrainTask = Extract<Task, { kind: 'train' }>;

/** What a round took in, clear or secure, in the shape the strategy and the log need. */
interface TakenRound {
  contributions: {
    site: string;
    numSamples: number;
    loss: number;
    payloadSha256: string;
    sealed: SealedEnvelope | null;
  }[];
  results: FitResult[];
  reports: ReadonlyMap<string, ReportOf<'train'>>;
  secure?: { round: string; neighbours: number; threshold: number; errorBound: number };
  clientPrivacy?: ClientPrivacySpent;
}

/** σ of every DP-FedAvg round already published, so a restarted hub's accountant resumes. */
async function publishedClientNoise(db: HubContext['db'], job: string): Promise<number[]> {
  return (await listRounds(db, job)).flatMap((r) => {
    const spent = (r.metrics as { clientPrivacy?: ClientPrivacySpent } | null)?.clientPrivacy;
    return r.globalModelSha256 !== null && spent ? [spent.noiseMultiplier] : [];
  });
}

function prefixed(prefix: string, weights: Weights): Weights {
  return weights.map((t) => ({ ...t, name: `${prefix}/${t.name}` }));
}

function meanLoss(updates: { loss: number; numSamples: number }[]): number {
  const n = updates.reduce((a, u) => a + u.numSamples, 0);
  return updates.reduce((a, u) => a + u.loss * u.numSamples, 0) / Math.max(1, n);
}

function encodeStrategyState(state: StrategyState): Uint8Array {
  return encodeFrame({ step: state.step }, state.tensors);
}

function decodeStrategyState(bytes: Uint8Array): StrategyState {
  const { meta, tensors } = decodeFrame(bytes);
  return { step: (meta as { step: number }).step, tensors };
}
