/**
 * npm run build && node dist/bench/policy-profile.js [--json FILE]
 *
 * Where a fresh (uncached) decision made by cedar-wasm spends its CPU time (why the packs are
 * now compiled to JavaScript; npm run bench:policy measures both), on the demo's allowed training request
 * (policies/examples/heart-training-at-l2.json: consortium, EU and US packs). Each line is CPU
 * microseconds per call, averaged over a few thousand calls after a warm-up: the whole
 * decision, its JavaScript stages, the cedar-wasm call as the engine makes it, and the same
 * call varied (no schema, a one-policy set, no entities, no context, only the attributes the
 * policies read) to show what the wasm call's cost follows. Writes
 * bench/results/policy-profile.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

import { preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';

import { indexEntities, toCedarCall, toCedarRequest } from '../src/policy/cedar-request.js';
import { defaultPolicyDir, loadPolicyEngine, parsePolicyRequest } from '../src/policy/index.js';
import { applicablePacks, touchedCountries } from '../src/policy/jurisdictions.js';
import { PreparedSets } from '../src/policy/policy-set.js';

const args = process.argv.slice(2);
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const CALLS = 3_000;

const example = `${defaultPolicyDir()}/examples/heart-training-at-l2.json`;
const { date: _date, ...request } = JSON.parse(readFileSync(example, 'utf8')) as Record<
  string,
  unknown
>;
const engine = loadPolicyEngine(undefined, { cacheSize: 0, evaluator: 'cedar' });
const today = new Date().toISOString().slice(0, 10);
const parsed = parsePolicyRequest(request, today);
const entities = indexEntities(parsed);
const sets = new PreparedSets();
const active = applicablePacks(engine.packs(), touchedCountries(parsed, entities)).map((p) =>
  sets.activeOn(p, today),
);
const set = sets.prepare(active, parsed.action);
const call = toCedarCall(toCedarRequest(parsed, entities));
const schemaName = engine.schema.cacheName;
// Without a schema Cedar knows no action groups: the action entity brings its parents.
const groups = [...(engine.schema.actionGroups.get(parsed.action) ?? [])];
const actionEntity = {
  uid: { type: 'Action', id: parsed.action },
  attrs: {},
  parents: groups.map((id) => ({ type: 'Action', id })),
};
preparsePolicySet('profile-trivial', {
  staticPolicies: { only: 'permit(principal, action, resource);' },
});

// Only the attributes the set's policies read (by hand, for this request).
const read = new Set(['domain', 'trustLevel', 'entityListed', 'dpfCertified', 'country']);
const context = call.context as Record<string, Record<string, unknown>>;
const trimmed = {
  entities: call.entities.map((e) => ({
    ...e,
    attrs: Object.fromEntries(Object.entries(e.attrs).filter(([k]) => read.has(k))),
  })),
  context: {
    owner: context['owner'],
    collaboration: context['collaboration'],
    privacy: { secureAggregation: context['privacy']?.['secureAggregation'] },
    transfer: Object.fromEntries(
      Object.entries(context['transfer'] ?? {}).filter(([k]) =>
        [
          'payloadKind',
          'carriesPersonalInformation',
          'destinationCountry',
          'recipient',
          'standardContractualClauses',
        ].includes(k),
      ),
    ),
  },
};

const values = (v: unknown): number =>
  typeof v === 'object' && v !== null && !('__entity' in v)
    ? Object.values(v).reduce((n: number, x) => n + values(x), 0)
    : 1;

function cpuMicros(body: () => unknown): number {
  for (let i = 0; i < 300; i++) body();
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) body();
  const used = process.cpuUsage(start);
  return Math.round(((used.user + used.system) / CALLS) * 10) / 10;
}

const stateful = (over: object) =>
  statefulIsAuthorized({ ...call, preparsedPolicySetId: set.id, validateRequest: false, ...over });
const loadBefore = loadavg();
const rows: [string, () => unknown][] = [
  ['decide: the whole fresh decision, cedar-wasm evaluator', () => engine.decide(request)],
  ['stage: validate the request', () => parsePolicyRequest(request, today)],
  [
    'stage: entities index and Cedar call shape',
    () => toCedarCall(toCedarRequest(parsed, indexEntities(parsed))),
  ],
  [
    'wasm: as the engine calls it (schema, validateRequest)',
    () => stateful({ preparsedSchemaName: schemaName, validateRequest: true }),
  ],
  ['wasm: schema, no request validation', () => stateful({ preparsedSchemaName: schemaName })],
  ['wasm: no schema', () => stateful({ entities: [...call.entities, actionEntity] })],
  [
    'wasm: no schema, one-policy set (set size)',
    () =>
      stateful({
        preparsedPolicySetId: 'profile-trivial',
        entities: [...call.entities, actionEntity],
      }),
  ],
  [
    'wasm: no schema, only attributes the policies read',
    () => stateful({ ...trimmed, entities: [...trimmed.entities, actionEntity] }),
  ],
  ['wasm: no schema, no entities', () => stateful({ entities: [actionEntity] })],
  [
    'wasm: floor (one-policy set, no entities, no context)',
    () =>
      stateful({ preparsedPolicySetId: 'profile-trivial', entities: [actionEntity], context: {} }),
  ],
];
const results: Record<string, number> = {};
for (const [name, body] of rows) {
  results[name] = cpuMicros(body);
  console.log(`${name.padEnd(56)} ${String(results[name]).padStart(7)} µs CPU`);
}
const loadAfter = loadavg();
const report = {
  benchmark: 'where a fresh policy decision spends its CPU time (one request, one core)',
  command: 'npm run build && node dist/bench/policy-profile.js',
  date: new Date().toISOString(),
  request: 'policies/examples/heart-training-at-l2.json (consortium, eu, us)',
  policiesInSet: set.owners.size,
  entities: call.entities.length,
  valuesCrossing: {
    entityAttributes: values(call.entities.map((e) => e.attrs)),
    context: values(call.context),
    entityAttributesRead: values(trimmed.entities.map((e) => e.attrs)),
    contextRead: values(trimmed.context),
  },
  loadAverage: { before: loadBefore.map((x) => Math.round(x * 10) / 10), after: loadAfter },
  cpuMicrosPerCall: results,
};
const text = `${JSON.stringify(report, null, 2)}\n`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/policy-profile.json', import.meta.url), text);
if (jsonFile) writeFileSync(jsonFile, text);
console.log(
  `load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')} -> ${loadAfter.map((x) => x.toFixed(1)).join(' ')}`,
);
