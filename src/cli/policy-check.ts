import {
  loadPolicyEngine,
  parsePolicyRequest,
  type LoggedDecision,
  type PolicyDecision,
  type PolicyPack,
  type PolicyRequest,
} from '../policy/index.js';
import {
  policyErrorLine,
  readJsonFile,
  shortHash,
  withPolicyErrors,
  type PolicyOutcome,
} from './policy-io.js';

export interface CheckOptions {
  /** The request file (format: policies/README.md, examples in policies/examples). */
  readonly file: string;
  /** Policies folder (schema and packs); default the repository's policies/. */
  readonly packs?: string;
  /** Accept the request's own date (what-if); otherwise only today's, as a hub decides. */
  readonly anyDate?: boolean;
}

/** A decided request, with the packs in force that it did not touch. */
export interface CheckResult {
  readonly logged: LoggedDecision;
  readonly request: PolicyRequest;
  readonly decision: PolicyDecision;
  readonly notConsulted: readonly PolicyPack[];
}

/**
 * Decide one request against the packs in force (consortium plus each touched jurisdiction's).
 * A request the engine cannot decide (malformed, unknown action or entity) is an error naming
 * every bad field, not a deny: the user has something to fix.
 */
export function checkRequest(options: CheckOptions): CheckResult {
  const input = readJsonFile(options.file);
  const engine = withPolicyErrors(options.packs ?? '', () =>
    loadPolicyEngine(options.packs, { anyDate: options.anyDate ?? false }),
  );
  const logged = engine.decideLogged(input);
  const { decision } = logged;
  if (decision.error !== undefined) {
    throw policyErrorLine(options.file, decision.error.message, decision.error.details);
  }
  const consulted = new Set(decision.packs.map((p) => p.pack));
  return {
    logged,
    request: parsePolicyRequest(logged.request, decision.date),
    decision,
    notConsulted: engine.packs().filter((p) => !consulted.has(p.name)),
  };
}

/** Allowed exits 0, denied 2; --json prints the decision as the ledger records it. */
export function checkOutcome(result: CheckResult, json = false): PolicyOutcome {
  return {
    output: json ? JSON.stringify(result.decision, null, 2) : formatCheck(result),
    exitCode: result.decision.decision === 'allow' ? 0 : 2,
  };
}

export function formatCheck(result: CheckResult): string {
  const { request, decision } = result;
  const names = [...decision.packs.map((p) => p.pack), ...result.notConsulted.map((p) => p.name)];
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    `${request.action} by ${request.principal.type} "${request.principal.id}" on ` +
      `${request.resource.type} "${request.resource.id}", ${decision.date}`,
    `touches ${decision.jurisdictions.join(', ') || '(no country)'}`,
    '',
  ];
  for (const pack of decision.packs) {
    lines.push(
      `  ${pack.pack.padEnd(width)}  ${pack.version}  ${pack.decision.padEnd(5)}  ${pack.policies.join(', ')}`,
    );
    // The deciding pack's reason closes the report; other refusing packs give theirs here.
    if (pack.reason !== undefined && pack.pack !== decision.deciding?.pack)
      lines.push(`  ${''.padEnd(width)}  ${pack.reason}`);
  }
  for (const pack of result.notConsulted) {
    const covers = pack.scope.kind === 'jurisdiction' ? pack.scope.countries : [];
    const list = covers.length <= 3 ? covers.join(', ') : `${covers.length} countries`;
    lines.push(
      `  ${pack.name.padEnd(width)}  ${pack.version}  not consulted: covers ${list}, none touched`,
    );
  }
  if (decision.notes.length > 0) lines.push('', ...decision.notes.map((n) => `note: ${n}`));
  lines.push('');
  const { deciding } = decision;
  if (decision.decision === 'allow') {
    lines.push(`ALLOW: every pack consulted allows it (${decision.packs.length} packs)`);
  } else if (deciding !== undefined) {
    const value = deciding.value === undefined ? '' : ` = ${String(deciding.value)}`;
    lines.push(`DENY by ${deciding.policyId} (${deciding.attribute}${value})`);
    lines.push(`  ${deciding.reason}`);
  } else {
    lines.push('DENY');
  }
  lines.push(
    `policy set ${shortHash(decision.policySetHash)}  schema ${shortHash(decision.schemaHash)}`,
  );
  return lines.join('\n');
}
