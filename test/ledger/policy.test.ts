import { describe, expect, it } from 'vitest';
import {
  MemoryWitnessStore,
  PolicyError,
  SignatureError,
  SignatureType,
  Witness,
  cosignatureSigner,
  formatAddCheckpointRequest,
  formatPolicy,
  formatVerifierKey,
  parsePolicy,
  policyFromJurisdictions,
  quorumSatisfied,
  verifyCosignedCheckpoint,
} from '../../src/ledger/index.js';
import { ORIGIN, logSigner } from './fixtures/logs.js';
import { TestLog, clock, witnessSeed } from './fixtures/witnessing.js';

// C2SP tlog-policy: strict parsing, the jurisdiction quorum Converge uses, and quorum checks.

const vkey = (name: string, n: number): string =>
  formatVerifierKey(
    name,
    SignatureType.Ed25519Cosignature,
    cosignatureSigner(name, witnessSeed(n)).publicKey,
  );

const [x1, x2, x3, y1, y2, y3] = ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'].map((name, i) =>
  vkey(name, i),
);

const example = `# The tlog-policy example, two levels of groups.
log ${logSigner.vkey}

witness X1 ${x1}
witness X2 ${x2}
witness X3 ${x3} https://x3.example/witness
group X-witnesses 2 X1 X2 X3

  witness\tY1 ${y1}
witness Y2 ${y2}
witness Y3 ${y3}
group Y-witnesses any Y1 Y2 Y3

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
`;

describe('parsePolicy', () => {
  it('reads the spec example: logs, witnesses, groups, quorum', () => {
    const policy = parsePolicy(example);
    expect(policy.logs.map((l) => l.vkey)).toEqual([logSigner.vkey]);
    expect([...policy.witnesses.keys()]).toEqual(['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3']);
    expect(policy.witnesses.get('X3')?.url).toBe('https://x3.example/witness');
    expect(policy.groups.get('X-witnesses')).toEqual({
      name: 'X-witnesses',
      threshold: 2,
      members: ['X1', 'X2', 'X3'],
    });
    expect(policy.groups.get('Y-witnesses')?.threshold).toBe(1);
    expect(policy.groups.get('X-and-Y')?.threshold).toBe(2);
    expect(policy.quorum).toBe('X-and-Y');
    const text = formatPolicy(policy);
    expect(text).toContain('\ngroup X-witnesses 2 X1 X2 X3\ngroup Y-witnesses any Y1 Y2 Y3\n');
    expect(formatPolicy(parsePolicy(text))).toBe(text);
  });

  it('evaluates the quorum: 2 of X and 1 of Y', () => {
    const policy = parsePolicy(example);
    expect(quorumSatisfied(policy, ['X1', 'X2', 'Y3'])).toBe(true);
    expect(quorumSatisfied(policy, ['X1', 'Y1', 'Y2', 'Y3'])).toBe(false);
    expect(quorumSatisfied(policy, ['X1', 'X2', 'X3'])).toBe(false);
    expect(quorumSatisfied(policy, ['X1', 'X2', 'X-witnesses', 'Y-witnesses'])).toBe(false);
    expect(quorumSatisfied(parsePolicy('quorum none\n'), [])).toBe(true);
    expect(quorumSatisfied(parsePolicy(`witness X1 ${x1}\nquorum X1`), ['X1'])).toBe(true);
  });

  it.each([
    [
      `group G any X1\nwitness X1 ${x1}\nquorum G`,
      'line 1: "X1" is not defined on an earlier line',
    ],
    [
      `witness X1 ${x1}\ngroup G 0 X1\nquorum G`,
      'line 2: threshold "0" is not all, any or a positive number',
    ],
    [`witness X1 ${x1}\ngroup G 2 X1\nquorum G`, 'line 2: threshold 2 exceeds the 1 members'],
    [`witness X1 ${x1}\ngroup G 01 X1\nquorum G`, 'line 2: threshold "01"'],
    [
      `witness X1 ${x1}\ngroup G any\nquorum G`,
      'line 2: want "group <name> <all|any|k> <member>..."',
    ],
    [`witness X1 ${x1}\ngroup G any X1 X1\nquorum G`, 'line 2: "X1" is listed twice'],
    [`witness X1 ${x1}\nquorum X1\nquorum X1`, 'line 3: second quorum line (the first is line 2)'],
    [`witness X1 ${x1}\n`, 'policy has no quorum line'],
    [`quorum G\ngroup G any X1`, 'line 1: "G" is not defined on an earlier line'],
    [`witness X1 ${x1}\nwitness X1 ${x2}\nquorum X1`, 'line 2: "X1" is already defined'],
    [`witness X1 ${x1}\ngroup X1 any X1\nquorum X1`, 'line 2: "X1" is already defined'],
    [`witness X1 ${x1}\nwitness X2 ${x1}\nquorum X1`, 'line 2: duplicate witness key'],
    [`log ${logSigner.vkey}\nlog ${logSigner.vkey}\nquorum none`, 'line 2: duplicate log key'],
    [`witness none ${x1}\nquorum none`, 'line 1: "none" is reserved'],
    [`witness X1 ${x1}\ngroup G any none\nquorum G`, 'line 2: "none" cannot be a group member'],
    [
      `witness X1 ${logSigner.vkey}\nquorum X1`,
      'line 1: key converge.test/log/collab-1 has type 0x1, want 0x04',
    ],
    [`log ${x1}\nquorum none`, 'line 1: key X1 has type 0x4, want 0x01'],
    [`witness X1 not-a-key\nquorum X1`, 'line 1: bad vkey'],
    [`witness X1\nquorum none`, 'line 1: want "witness <name> <vkey> [url]"'],
    [`log ${logSigner.vkey} https://a https://b\nquorum none`, 'line 1: want "log <vkey> [url]"'],
    [`quorum none extra`, 'line 1: want "quorum <name>"'],
    [`monitor M\nquorum none`, 'line 1: unknown keyword "monitor"'],
    [`quorum none\r\n`, 'line 1: control character'],
  ])('rejects %j', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyError);
    expect(() => parsePolicy(text)).toThrow(message);
  });
});

describe('policyFromJurisdictions', () => {
  const witnesses = [
    { name: 'eu-1', vkey: vkey('witness.test/eu-1', 11), jurisdiction: 'EU' },
    { name: 'eu-2', vkey: vkey('witness.test/eu-2', 12), jurisdiction: 'EU' },
    {
      name: 'us-1',
      vkey: vkey('witness.test/us-1', 13),
      jurisdiction: 'US',
      url: 'https://us-1.test/',
    },
    { name: 'cn-1', vkey: vkey('witness.test/cn-1', 14), jurisdiction: 'CN' },
  ];

  it('requires any witness of every jurisdiction', () => {
    const policy = policyFromJurisdictions(witnesses, [{ vkey: logSigner.vkey }]);
    expect(formatPolicy(policy).split('\n').slice(-6)).toEqual([
      'group EU any eu-1 eu-2',
      'group US any us-1',
      'group CN any cn-1',
      'group every-jurisdiction all EU US CN',
      'quorum every-jurisdiction',
      '',
    ]);
    expect(formatPolicy(policy)).toContain(
      `witness us-1 ${witnesses[2]!.vkey} https://us-1.test/\n`,
    );
    expect(quorumSatisfied(policy, ['eu-2', 'us-1', 'cn-1'])).toBe(true);
    expect(quorumSatisfied(policy, ['eu-1', 'eu-2', 'us-1'])).toBe(false);
    expect(() => policyFromJurisdictions([])).toThrow('needs witnesses');
    expect(() => policyFromJurisdictions([{ ...witnesses[0]!, jurisdiction: 'E U' }])).toThrow(
      PolicyError,
    );
    expect(() => policyFromJurisdictions([{ ...witnesses[0]!, name: 'EU' }])).toThrow(
      '"EU" is already defined',
    );
  });

  it('verifies a checkpoint cosigned by witnesses against the policy', async () => {
    const log = new TestLog();
    const note = await log.checkpoint(4);
    const live = witnesses.map(
      (w, i) =>
        new Witness({
          name: `witness.test/${w.name}`,
          seed: witnessSeed(11 + i),
          logs: [{ origin: ORIGIN, vkey: logSigner.vkey }],
          store: new MemoryWitnessStore(),
          clock,
        }),
    );
    const policy = policyFromJurisdictions(
      witnesses.map((w, i) => ({ ...w, vkey: live[i]!.vkey })),
      [{ vkey: logSigner.vkey }],
    );
    let cosigned = note;
    for (const witness of live.slice(0, 3)) {
      const response = await witness.addCheckpoint(
        formatAddCheckpointRequest({ oldSize: 0, proof: [], note }),
      );
      cosigned += response.body;
    }
    // EU and US have cosigned, CN has not.
    expect(() => verifyCosignedCheckpoint(cosigned, policy)).toThrow(SignatureError);
    expect(() => verifyCosignedCheckpoint(cosigned, policy)).toThrow(
      '[eu-1, eu-2, us-1] do not satisfy',
    );
    const cn = await live[3]!.addCheckpoint(
      formatAddCheckpointRequest({ oldSize: 0, proof: [], note }),
    );
    const { checkpoint, cosigners } = verifyCosignedCheckpoint(cosigned + cn.body, policy);
    expect(checkpoint.size).toBe(4);
    expect(cosigners).toEqual(['eu-1', 'eu-2', 'us-1', 'cn-1']);
  });
});
