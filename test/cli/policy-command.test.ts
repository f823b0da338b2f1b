import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutcome, checkRequest } from '../../src/cli/policy-check.js';
import { diffPolicyDirs, formatFolderDiff } from '../../src/cli/policy-diff.js';
import { readRequests } from '../../src/cli/policy-io.js';
import { replayFile, replayOutcome } from '../../src/cli/policy-replay.js';
import { validatePolicyDir, validationOutcome } from '../../src/cli/policy-validate.js';
import { repoRoot, runCli } from './support/run-cli.js';

const policies = join(repoRoot, 'policies');
const examples = join(policies, 'examples');
const example = (name: string): string => join(examples, name);
const scratch = mkdtempSync(join(tmpdir(), 'converge-policy-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the repository's packs with one file edited, as a proposed new version. */
function editedCopy(name: string, file: string, edit: (text: string) => string): string {
  const dir = join(scratch, name);
  cpSync(policies, dir, { recursive: true });
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const edited = edit(text);
  expect(edited).not.toBe(text); // the edit must hit, or the test proves nothing
  writeFileSync(path, edited);
  return dir;
}

function writeJson(name: string, value: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

describe('converge policy check', () => {
  it.each([
    [
      'hungarian-records-to-us.json',
      'eu/gdpr-us-recipient-needs-dpf-or-safeguards',
      'context.transfer.recipient.dpfCertified = false',
    ],
    [
      'cn-workload-on-h100.json',
      'us/eccn-3a090-a1-d5-headquartered',
      'context.accelerator.tpp = 15832',
    ],
  ])('refuses %s by %s, exit 2', (file, policyId, attribute) => {
    const result = checkRequest({ file: example(file) });
    expect(result.decision.decision).toBe('deny');
    expect(result.decision.deciding?.policyId).toBe(policyId);
    const { output, exitCode } = checkOutcome(result);
    expect(exitCode).toBe(2);
    expect(output).toContain(`DENY by ${policyId} (${attribute})`);
    // Every consulted pack is listed with its decision; the consortium pack always applies.
    expect(output).toMatch(/^ {2}consortium +2025\.1 +allow +consortium\/baseline$/m);
  });

  it('allows federated training at level 2 with secure aggregation, exit 0', () => {
    const result = checkRequest({ file: example('heart-training-at-l2.json') });
    const { output, exitCode } = checkOutcome(result);
    expect(exitCode).toBe(0);
    expect(result.decision.packs.map((p) => `${p.pack}:${p.decision}`)).toEqual([
      'consortium:allow',
      'eu:allow',
      'us:allow',
    ]);
    expect(output).toContain('ALLOW: every pack consulted allows it (3 packs)');
    expect(output).toMatch(/cn +2025\.1 +not consulted: covers CN, none touched/);
    expect(output).toContain('retired rule us/eo14110-large-training-notice not applied');
  });

  it('prints the decision as JSON with --json', () => {
    const { output } = checkOutcome(
      checkRequest({ file: example('cn-workload-on-h100.json') }),
      true,
    );
    const json = JSON.parse(output) as { decision: string; deciding: { pack: string } };
    expect(json).toMatchObject({ decision: 'deny', deciding: { pack: 'us' } });
  });

  it('names what is wrong with a bad request file, in one line', () => {
    const request = JSON.parse(readFileSync(example('cn-workload-on-h100.json'), 'utf8')) as {
      action: string;
      context: { accelerator: { tpp: unknown } };
    };
    const brokenJson = join(scratch, 'broken.json');
    writeFileSync(brokenJson, '{ "action": "placeWorkload", ');
    const unknownAction = writeJson('fly.json', { ...request, action: 'fly' });
    const wrongType = writeJson('tpp.json', {
      ...request,
      context: { ...request.context, accelerator: { ...request.context.accelerator, tpp: 'big' } },
    });
    const cases: [string, RegExp][] = [
      [brokenJson, /broken\.json: not valid JSON/],
      [join(scratch, 'missing.json'), /missing\.json: no such file/],
      [unknownAction, /fly\.json: unknown action "fly": action: must be one of join, /],
      [
        wrongType,
        /tpp\.json: the placeWorkload request is malformed: context\.accelerator\.tpp: .*expected number/,
      ],
    ];
    for (const [file, message] of cases) {
      expect(() => checkRequest({ file })).toThrow(message);
      try {
        checkRequest({ file });
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });

  it('refuses a dated request unless --any-date (a hub decides for today only)', () => {
    const request = JSON.parse(readFileSync(example('cn-workload-on-h100.json'), 'utf8')) as object;
    const file = writeJson('dated.json', { ...request, date: '2024-06-01' });
    expect(() => checkRequest({ file })).toThrow(/dated 2024-06-01, not today/);
    const whatIf = checkRequest({ file, anyDate: true });
    expect(whatIf.decision.date).toBe('2024-06-01');
    // On 2024-06-01 EO 14110's notice rule was still in force, so it is not listed as skipped.
    expect(whatIf.decision.notes.join()).not.toContain('eo14110');
  });
});

describe('converge policy replay', () => {
  const record = (name: string, file: string, tamper?: (logged: Logged) => void): string => {
    const logged = structuredClone(checkRequest({ file: example(file) }).logged) as Logged;
    tamper?.(logged);
    return writeJson(name, logged);
  };

  it('reproduces a recorded decision, exit 0', () => {
    const { output, exitCode } = replayOutcome(
      replayFile({ file: record('recorded.json', 'hungarian-records-to-us.json') }),
    );
    expect(exitCode).toBe(0);
    expect(output).toContain('reproduces: deny by eu/gdpr-us-recipient-needs-dpf-or-safeguards');
  });

  it('names what differs in a tampered record, exit 2', () => {
    const flipped = record('flipped.json', 'hungarian-records-to-us.json', (l) => {
      l.decision.decision = 'allow';
      delete l.decision.deciding;
    });
    const flip = replayOutcome(replayFile({ file: flipped }));
    expect(flip.exitCode).toBe(2);
    expect(flip.output).toContain('does not reproduce');
    expect(flip.output).toContain('decision: logged "allow", recomputed "deny"');

    const certified = record('certified.json', 'hungarian-records-to-us.json', (l) => {
      const recipient = l.request.entities.find((e) => e.id === 'cleveland-clinic');
      if (recipient) recipient.attrs['dpfCertified'] = true;
    });
    const edit = replayOutcome(replayFile({ file: certified }));
    expect(edit.exitCode).toBe(2);
    expect(edit.output).toContain('decision: logged "deny", recomputed "allow"');
    expect(edit.output).toContain(
      'deciding: logged "eu/gdpr-us-recipient-needs-dpf-or-safeguards", recomputed undefined',
    );
  });

  it('finds an older pack version with --versions once a newer one is in force', () => {
    const file = record('older.json', 'heart-training-at-l2.json');
    const newer = editedCopy('newer', 'us.meta.json', (t) => t.replace('"2025.1"', '"2025.2"'));
    const missing = replayOutcome(replayFile({ file, packs: newer }));
    expect(missing.exitCode).toBe(2);
    expect(missing.output).toMatch(/pack us version [0-9a-f]{12}… is not available/);
    const found = replayOutcome(replayFile({ file, packs: newer, versions: [policies] }));
    expect(found.exitCode).toBe(0);
  });

  it('refuses a file that is not a recorded decision', () => {
    expect(() => replayFile({ file: example('cn-workload-on-h100.json') })).toThrow(
      /cn-workload-on-h100\.json: not a logged policy decision: .*decision/,
    );
  });
});

describe('converge policy diff', () => {
  const samples = readRequests(examples);

  it('shows the changed policy and the samples whose outcome changes', () => {
    const proposed = editedCopy('loosened', 'us.cedar', (t) =>
      t.replace('tpp >= 4800', 'tpp >= 16000').replace('decimal("5.92")', 'decimal("20.0")'),
    );
    const diff = diffPolicyDirs(policies, proposed, samples);
    const us = diff.packs.find((p) => p.pack === 'us');
    expect(us?.status).toBe('changed');
    expect(us?.policies.map((p) => `${p.change} ${p.policyId}`)).toEqual([
      'changed us/eccn-3a090-a1-d5-headquartered',
      'changed us/eccn-3a090-a2-d5-headquartered',
    ]);
    expect(us?.samples?.newlyAllowed).toHaveLength(1);
    const text = formatFolderDiff(diff);
    expect(text).toContain('changed us/eccn-3a090-a1-d5-headquartered: cedar');
    expect(text).toContain(
      'newly allowed: cn-workload-on-h100.json placeWorkload: deny (us/eccn-3a090-a1-d5-headquartered) → allow',
    );
    expect(text).toContain('unchanged: cn, consortium, eu');
  });

  it('shows a sample denied by another rule, and a metadata change', () => {
    const proposed = editedCopy('a2-only', 'us.cedar', (t) =>
      t.replace('tpp >= 4800', 'tpp >= 16000'),
    );
    writeFileSync(
      join(proposed, 'us.meta.json'),
      readFileSync(join(proposed, 'us.meta.json'), 'utf8').replace('"2025.1"', '"2025.2"'),
    );
    const text = formatFolderDiff(diffPolicyDirs(policies, proposed, samples));
    expect(text).toMatch(/pack us: 2025\.1 [0-9a-f]{12}… → 2025\.2 [0-9a-f]{12}…/);
    expect(text).toContain('metadata changed: version');
    expect(text).toContain(
      'denied by another rule: cn-workload-on-h100.json placeWorkload: deny (us/eccn-3a090-a1-d5-headquartered) → deny (us/eccn-3a090-a2-d5-headquartered)',
    );
  });

  it('refuses an invalid new pack with its diagnostics, and different schemas', () => {
    const broken = editedCopy('broken-diff', 'us.cedar', (t) =>
      t.replace('tpp >= 1600', 'tpp >= "1600"'),
    );
    expect(() => diffPolicyDirs(policies, broken, samples)).toThrow(
      /us\.cedar: the pack is invalid: schema validation: .*expected Long but saw String/,
    );
    const schema = editedCopy('schema', 'converge.cedarschema', (t) => `// changed\n${t}`);
    expect(() => diffPolicyDirs(policies, schema)).toThrow(/differ: diff compares pack versions/);
  });
});

describe('converge policy validate', () => {
  it('passes the repository packs', () => {
    const { output, exitCode } = validationOutcome(validatePolicyDir(policies));
    expect(exitCode).toBe(0);
    expect(output).toMatch(/^ok +us +2025\.1 +7 policies/m);
    expect(output).toContain('4 packs valid (strict schema validation)');
  });

  it("prints Cedar's diagnostics for a failing pack and checks the others, exit 2", () => {
    const broken = editedCopy('broken-validate', 'us.cedar', (t) =>
      t.replace('tpp >= 1600', 'tpp >= "1600"'),
    );
    const results = validatePolicyDir(broken);
    expect(results.filter((r) => r.ok).map((r) => r.pack)).toEqual(['cn', 'consortium', 'eu']);
    const { output, exitCode } = validationOutcome(results);
    expect(exitCode).toBe(2);
    expect(output).toMatch(
      /^FAIL {2}us\n {2}schema validation: us\/eccn-3a090-a2-d5-headquartered: .*expected Long but saw String$/m,
    );
  });
});

describe('the converge binary', () => {
  it('prints the refusal and exits 2 for a denied request', async () => {
    const r = await runCli(['policy', 'check', '--request', example('cn-workload-on-h100.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('DENY by us/eccn-3a090-a1-d5-headquartered');
  });
});

/** The parts of a recorded decision the tamper tests touch. */
interface Logged {
  request: { entities: { id: string; attrs: Record<string, unknown> }[] };
  decision: { decision: string; deciding?: unknown };
}
