import type { Logger } from 'pino';
import { checkUpdate } from '../learning/index.js';
import { decodeFrame, frameSha256, FrameError } from '../node/frame.js';
import type { Db } from '../store/index.js';
import { findMember, listMembers } from './collab-records.js';
import type { HubContext, JobEvent } from './hub-context.js';
import { JobDriver } from './job-driver.js';
import { QueryDriver, type QueryView } from './query-driver.js';
import { randomUUID } from 'node:crypto';
import { createJob, DuplicateReport, getJob, listJobs, saveReport } from './job-records.js';
import type { JobRecord } from './job-records.js';
import { TrainJobSpec } from './job-spec.js';
import { saveModel } from './model-records.js';
import { Report } from './protocol.js';
import { Refusal } from './refusal.js';
import type { CosignReport, ReportOf } from './protocol.js';
import { recordJobFailure } from './job-failure.js';
import { sha256Json } from './record/hashing.js';
import type { Recorder } from './record/recorder.js';
import type { Governor } from './governance/governor.js';
import type { SealedEnvelope } from '../identity/index.js';
import { RoundClosed, saveUpdate } from './round-records.js';
import { TaskBoard } from './task-board.js';
import type { PostedTask } from './task-board.js';

/**
 * The coordinating side of federated training: hands out tasks, accepts reports only after
 * they are durable, and runs one persistent driver per job. Knows nothing of HTTP.
 */
export class Hub {
  private readonly drivers = new Map<
    string,
    { driver: JobDriver; done: Promise<void>; refusal?: string }
  >();
  private readonly context: HubContext;
  private readonly queries = new Map<string, { driver: QueryDriver; done: Promise<void> }>();

  constructor(
    readonly db: Db,
    readonly log: Logger,
    onProgress: (jobId: string, event: JobEvent) => void = () => {},
    /** The collaborations' transparency logs; without one (unit tests) nothing is recorded. */
    readonly recorder?: Recorder,
    /** Shared with the recorder, whose cosign requests travel on it too. */
    readonly board: TaskBoard = new TaskBoard(),
    /** Decides members' actions and keeps trust levels; finished jobs join its record. */
    readonly governor?: Governor,
  ) {
    this.context = {
      db,
      board: this.board,
      log,
      onProgress,
      record: async (collab, events) => recorder?.record(collab, events),
      sitesOf: async (collab) =>
        (await listMembers(db, collab))
          .filter((m) => m.roles.includes('site'))
          .map((m) => m.keyId)
          .sort(),
      nameOf: async (collab, keyId) => (await findMember(db, collab, keyId))?.name ?? keyId,
    };
  }

  /** Restart the drivers of every job that was running when the hub last stopped. */
  async resume(): Promise<JobRecord[]> {
    const running = await listJobs(this.db, 'running');
    for (const job of running) {
      this.log.info({ job: job.id, phase: job.phase }, 'resuming job');
      this.launch(job);
    }
    return running;
  }

  async startJob(collabId: string, rawSpec: unknown): Promise<JobRecord> {
    const parsed = TrainJobSpec.safeParse(rawSpec);
    if (!parsed.success) {
      throw new Refusal(400, `invalid job: ${describeIssues(parsed.error)}`);
    }
    const sites = await this.context.sitesOf(collabId);
    if (sites.length === 0) throw new Refusal(404, `collaboration ${collabId} has no data sites`);
    const job = await createJob(this.db, collabId, parsed.data);
    await this.context.record(collabId, [
      {
        type: 'job.proposed',
        collab: collabId,
        job: job.id,
        spec: parsed.data,
        specSha256: sha256Json(parsed.data),
        at: job.createdAt,
      },
    ]);
    await this.gate(job);
    this.log.info({ job: job.id, collab: collabId, sites: sites.length }, 'job created');
    this.launch(job);
    return job;
  }

  /**
   * Every data site's packs must allow its part in the job (trainFederated: at trust level 2
   * and with secure aggregation, in the consortium pack). A refused job ends at once, failed,
   * naming the pack, policy and reason; each decision is in the log.
   */
  private async gate(job: JobRecord): Promise<void> {
    if (!this.governor) return;
    const gate = await this.governor.mayStartJob(job.collabId, {
      job: job.id,
      kind: 'train',
      secureAggregation: job.spec.secureAggregation !== undefined,
      differentialPrivacy: job.spec.privacy !== undefined || job.spec.clientPrivacy !== undefined,
    });
    if (gate.allowed) return;
    const refused = gate.refusal;
    const error = refused
      ? `refused by ${refused.pack} policy ${refused.policyId} for site ${refused.site}` +
        `${refused.attribute ? ` (${refused.attribute})` : ''}: ${refused.reason}; ` +
        `decision at log entry ${refused.entry}`
      : 'refused by the policy gate';
    await recordJobFailure(this.context, job, error);
    throw new Refusal(403, error);
  }

  private launch(job: JobRecord): void {
    const driver = new JobDriver(this.context, job);
    const entry: { driver: JobDriver; done: Promise<void>; refusal?: string } = {
      driver,
      done: Promise.resolve(),
    };
    entry.done = driver
      .run()
      .then(async () => {
        // A site refused a task: the driver was stopped, and the job fails with the site's reason.
        if (entry.refusal !== undefined) await recordJobFailure(this.context, job, entry.refusal);
        const ended = await getJob(this.db, job.id);
        if (this.governor && ended && ended.status !== 'running') {
          await this.governor.jobFinished(job.collabId, job.id, ended.status === 'failed');
        }
      })
      .catch((e: unknown) => this.log.error({ job: job.id, err: String(e) }, 'after the job'))
      .finally(() => this.drivers.delete(job.id));
    this.drivers.set(job.id, entry);
  }

  /** A site declined a task it was offered: stop the job's driver and fail the job with why. */
  private async acceptRefusal(
    collab: string,
    site: string,
    report: RefusedReport,
    sealed: SealedEnvelope,
    body: Uint8Array,
  ) {
    const posted = this.board.get(report.taskId);
    if (!posted || posted.collab !== collab || posted.task.kind !== report.task) {
      throw new Refusal(409, `task ${report.taskId} is not open (round closed or never offered)`);
    }
    if (!posted.recipients.has(site)) {
      throw new Refusal(403, `site ${site} was not asked for task ${report.taskId}`);
    }
    const entry = this.drivers.get(report.jobId);
    if (!entry && posted.accept) {
      // A query: a site without the table, or whose budget cannot pay, is left out.
      posted.accept(site, report, sealed, body);
      this.board.markReported(report.taskId, site);
      return;
    }
    // A training job, secure round or not: the site's refusal fails the job with its reason.
    this.board.markReported(report.taskId, site);
    if (!entry || entry.refusal !== undefined) return;
    const name = await this.context.nameOf(collab, site);
    entry.refusal = `site ${name} refused the ${report.task} task (round ${report.round}): ${report.reason}`;
    this.log.warn({ job: report.jobId, site: name, reason: report.reason }, 'task refused');
    entry.driver.stop();
  }

  /**
   * A member's federated analytics query: validated at once (400 naming the field), then run
   * in the background; its view is polled with `query`.
   */
  async startQuery(collab: string, body: unknown): Promise<QueryView> {
    const { request, query } = QueryDriver.parse(body);
    if ((await this.context.sitesOf(collab)).length === 0) {
      throw new Refusal(404, `collaboration ${collab} has no data sites`);
    }
    const id = `q-${randomUUID()}`;
    const driver = new QueryDriver(this.context, this.governor, id, collab, request, query);
    const done = driver
      .run()
      .catch((e: unknown) => this.log.error({ query: id, err: String(e) }, 'query crashed'));
    this.queries.set(id, { driver, done });
    return driver.view;
  }

  query(collab: string, id: string): QueryView {
    const found = this.queries.get(id);
    if (!found || found.driver.view.collab !== collab) {
      throw new Refusal(404, `no query ${id} in ${collab}`);
    }
    return found.driver.view;
  }

  /** Wait until the job's driver has stopped (finished, failed or the hub stopped). */
  async settled(jobId: string): Promise<void> {
    await this.drivers.get(jobId)?.done;
  }

  getJob(jobId: string): Promise<JobRecord | undefined> {
    return getJob(this.db, jobId);
  }

  /** Long-poll: the next task this site owes, or undefined when none appears before `waitMs`. */
  async nextTask(
    collab: string,
    site: string,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<PostedTask | undefined> {
    let found = this.board.nextFor(collab, site);
    if (found) return found;
    await this.board.until(
      () => (found = this.board.nextFor(collab, site)) !== undefined,
      Date.now() + waitMs,
      signal,
    );
    return found;
  }

  /** Validate, persist, then acknowledge a site's report. Throws a Refusal naming the problem. */
  async acceptReport(
    collab: string,
    site: string,
    sealed: SealedEnvelope,
    body: Uint8Array,
  ): Promise<Report> {
    const { envelope } = sealed;
    let frame;
    try {
      frame = decodeFrame(body);
    } catch (e) {
      if (e instanceof FrameError) throw new Refusal(400, `malformed frame: ${e.message}`);
      throw e;
    }
    const parsed = Report.safeParse(frame.meta);
    if (!parsed.success) {
      const detail = describeIssues(parsed.error);
      throw new Refusal(400, `malformed report: ${detail}`);
    }
    const report = parsed.data;
    if (envelope.type !== report.kind || envelope.round !== report.round) {
      throw new Refusal(
        400,
        `envelope says ${envelope.type}/${envelope.round} but the report is ${report.kind}/${report.round}`,
      );
    }
    if (report.kind === 'metrics') {
      await this.acceptMetrics(collab, site, report);
      return report;
    }
    if (report.kind === 'cosign') {
      this.acceptCosign(collab, site, report);
      return report;
    }
    if (report.kind === 'refused') {
      await this.acceptRefusal(collab, site, report, sealed, body);
      return report;
    }
    const posted = this.board.get(report.taskId);
    if (
      !posted ||
      posted.collab !== collab ||
      posted.task.kind !== report.kind ||
      posted.task.round !== report.round
    ) {
      throw new Refusal(409, `task ${report.taskId} is not open (round closed or never offered)`);
    }
    if (!posted.recipients.has(site)) {
      throw new Refusal(403, `site ${site} was not asked for task ${report.taskId}`);
    }
    if (posted.reported.has(site)) {
      const what = report.kind === 'train' ? 'update' : `${report.kind} report`;
      throw new Refusal(409, `site ${site} already sent its ${what} for round ${report.round}`);
    }
    if (posted.accept) {
      if (frame.tensors.length > 0) {
        throw new Refusal(422, `a ${report.kind} report in a secure round carries no tensors`);
      }
      posted.accept(site, report, sealed, body);
      this.board.markReported(report.taskId, site);
      return report;
    }
    if (report.kind === 'secagg' || report.kind === 'describe' || report.kind === 'query') {
      throw new Refusal(409, `task ${report.taskId} takes no ${report.kind} report`);
    }
    try {
      await posted.ready;
      await this.persist(site, report, frame.tensors, posted, body, sealed);
    } catch (e) {
      if (e instanceof DuplicateReport || e instanceof RoundClosed)
        throw new Refusal(409, e.message);
      throw e;
    }
    this.board.markReported(report.taskId, site);
    return report;
  }

  private acceptCosign(collab: string, site: string, report: CosignReport): void {
    const posted = this.board.get(report.taskId);
    if (!posted || posted.collab !== collab || posted.task.kind !== 'cosign') {
      throw new Refusal(409, `cosign task ${report.taskId} is not open`);
    }
    if (!posted.recipients.has(site)) {
      throw new Refusal(403, `site ${site} was not asked to cosign (${report.taskId})`);
    }
    this.recorder?.acceptCosign(report);
    this.board.markReported(report.taskId, site);
  }

  /** Metrics arrive after their round may have closed, so they are checked against the job, not the board. */
  private async acceptMetrics(
    collab: string,
    site: string,
    report: Extract<Report, { kind: 'metrics' }>,
  ) {
    const job = await getJob(this.db, report.jobId);
    const setup = job?.preprocessing as { participants?: string[] } | null | undefined;
    if (!job || job.collabId !== collab)
      throw new Refusal(404, `no job ${report.jobId} in ${collab}`);
    if (!setup?.participants?.includes(site)) {
      throw new Refusal(403, `site ${site} does not take part in ${report.jobId}`);
    }
    if (report.round < 1 || report.round > job.spec.rounds) {
      throw new Refusal(400, `round ${report.round} is outside 1..${job.spec.rounds}`);
    }
    try {
      await saveReport(this.db, site, report);
    } catch (e) {
      if (e instanceof DuplicateReport) throw new Refusal(409, e.message);
      throw e;
    }
  }

  private async persist(
    site: string,
    report: Exclude<Report, { kind: 'cosign' | 'metrics' | 'secagg' | 'describe' | 'query' }>,
    tensors: ReturnType<typeof decodeFrame>['tensors'],
    posted: PostedTask,
    body: Uint8Array,
    sealed: SealedEnvelope,
  ): Promise<void> {
    const checkShape = () => {
      try {
        checkUpdate(posted.tensors, tensors);
      } catch (e) {
        throw new Refusal(422, `rejected update from ${site}: ${(e as Error).message}`);
      }
    };
    if (report.kind === 'train') {
      checkShape();
      const payloadSha256 = frameSha256(body);
      // Acknowledged once the update and the site's signed envelope over it are durable; the
      // round's log entries then carry that envelope as the site's receipt.
      await saveUpdate(
        this.db,
        report.jobId,
        report.round,
        {
          site,
          numSamples: report.numSamples,
          payload: body,
          payloadSha256,
          trainMs: report.trainMs,
          loss: report.loss,
          receivedAt: Date.now(),
          sealed,
        },
        report,
      );
    } else if (report.kind === 'baseline') {
      checkShape();
      const member = await findMember(this.db, posted.collab, site);
      await this.db.transaction(async (tx) => {
        await saveReport(tx, site, report);
        await saveModel(tx, report.jobId, `local:${member?.name ?? site}`, body, frameSha256(body));
      });
    } else {
      await saveReport(this.db, site, report);
    }
  }

  async stop(): Promise<void> {
    for (const { driver } of this.drivers.values()) driver.stop();
    for (const { driver } of this.queries.values()) driver.stop();
    this.board.nudge();
    await Promise.allSettled(
      [...this.drivers.values(), ...this.queries.values()].map((d) => d.done),
    );
    await this.recorder?.stop();
  }
}

type RefusedReport = ReportOf<'refused'>;

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}
