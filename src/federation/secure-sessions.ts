import { SecAggRefusal, SecAggSite } from '../privacy/index.js';
import type { SecAggMessage } from '../privacy/index.js';
import type { JobReport, JobTask } from './protocol.js';
import { packMessage, roundFromWire, unpackMessage } from './secure-aggregation-spec.js';
import type { SecAggRoundWire } from './secure-aggregation-spec.js';

type SecAggTask = Extract<JobTask, { kind: 'secagg' }>;
type SecAggReport = Extract<JobReport, { kind: 'secagg' }>;

interface Session {
  site: SecAggSite;
  vector: Float32Array;
  weight: number;
}

/** Rounds a site keeps secrets for at once; older ones are forgotten (their rounds are over). */
const MAX_OPEN_ROUNDS = 8;

/**
 * A data site's open SecAgg+ rounds. The round's secrets and the vector it will mask live in
 * this process only, never on disk: a site that restarts mid-round has lost them and answers the
 * later phases with a withdrawal, so the hub counts it as dropped.
 */
export class SecureSessions {
  private readonly open = new Map<string, Session>();

  constructor(
    /** This site's key id: the name the hub uses for it in every round. */
    readonly siteId: string,
  ) {}

  /** Keeps `vector` for the round and returns the site's advertised keys (phase 1). */
  begin(wire: SecAggRoundWire, vector: Float32Array, weight: number): string {
    const config = roundFromWire(wire);
    if (vector.length !== config.vectorLength) {
      throw new SecAggRefusal(
        'malformed',
        `round ${config.round} sums vectors of ${config.vectorLength} values; this site has ${vector.length}`,
      );
    }
    if (weight > config.quantization.maxWeight) {
      throw new SecAggRefusal(
        'malformed',
        `round ${config.round} weighs sites up to ${config.quantization.maxWeight} samples; this site has ${weight}`,
      );
    }
    const site = new SecAggSite(config, this.siteId);
    this.open.delete(config.round);
    this.open.set(config.round, { site, vector, weight });
    while (this.open.size > MAX_OPEN_ROUNDS) this.open.delete(this.open.keys().next().value!);
    return packMessage(site.advertise());
  }

  /** Phases 2–4; a request this site cannot answer is withdrawn with the reason, never guessed. */
  answer(task: SecAggTask): SecAggReport {
    const base = {
      kind: 'secagg' as const,
      taskId: task.taskId,
      jobId: task.jobId,
      round: task.round,
      secaggRound: task.secaggRound,
      phase: task.phase,
    };
    const session = this.open.get(task.secaggRound);
    if (!session) {
      return { ...base, withdrawn: `this site holds no secrets for ${task.secaggRound}` };
    }
    const request = task.requests[this.siteId];
    if (request === undefined) {
      return { ...base, withdrawn: `the ${task.phase} task has no request for this site` };
    }
    try {
      return { ...base, message: packMessage(this.step(session, task.phase, request)) };
    } catch (e) {
      if (!(e instanceof SecAggRefusal)) throw e;
      // A request the protocol forbids (e.g. shares of both masks of one site): the round's
      // secrets are dropped so that no later request can draw them out either.
      this.open.delete(task.secaggRound);
      return { ...base, withdrawn: `refused the ${task.phase} request: ${e.message}` };
    }
  }

  private step(session: Session, phase: SecAggTask['phase'], request: string): SecAggMessage {
    const message = unpackMessage(request);
    if (phase === 'share-keys') return session.site.shareKeys(message);
    if (phase === 'masked-input')
      return session.site.maskInput(message, session.vector, session.weight);
    const response = session.site.unmask(message);
    this.open.delete(message.round);
    return response;
  }
}
