/**
 * The policy gate's answer for every (workload, site) pair. Every workload is asked about, even
 * identical ones, because a gate may decide on anything (its id included); workloads are grouped
 * into classes only where their answers agree too. Refusals are kept compactly: a large network
 * refuses millions of pairs, so a pair is two integers and a reference to the gate's refusal.
 */
import type { PolicyGate, Refusal } from './policy-gate.js';
import type { Site } from './sites.js';
import type { Workload } from './workloads.js';

export class ExclusionLog {
  private workloads: Int32Array = new Int32Array(1024);
  private sites: Int32Array = new Int32Array(1024);
  private readonly decisions: Refusal[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  record(workloadIndex: number, siteIndex: number, refusal: Refusal): void {
    if (this.n === this.workloads.length) {
      this.workloads = grow(this.workloads);
      this.sites = grow(this.sites);
    }
    this.workloads[this.n] = workloadIndex;
    this.sites[this.n] = siteIndex;
    this.decisions.push(refusal);
    this.n++;
  }

  /** Calls `visit` for every refused (workload, site) pair, in the order recorded. */
  forEach(visit: (workloadIndex: number, siteIndex: number, refusal: Refusal) => void): void {
    for (let i = 0; i < this.n; i++) visit(this.workloads[i]!, this.sites[i]!, this.decisions[i]!);
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

export interface GateAnswers {
  refused: ExclusionLog;
  /** Per workload: one character per site, '1' where allowed — a grouping key. */
  allowedPattern: string[];
}

export function askGate(
  gate: PolicyGate,
  workloads: readonly Workload[],
  sites: readonly Site[],
): GateAnswers {
  const refused = new ExclusionLog();
  const allowedPattern: string[] = [];
  const pattern = Buffer.alloc(sites.length);
  workloads.forEach((w, i) => {
    for (const site of sites) {
      const decision = gate.allowed(w, site);
      pattern[site.index] = decision.allowed ? 49 : 48;
      if (!decision.allowed) refused.record(i, site.index, decision);
    }
    allowedPattern.push(pattern.toString('latin1'));
  });
  return { refused, allowedPattern };
}
