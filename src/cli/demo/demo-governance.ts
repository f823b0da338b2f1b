import { institutionId, memberEntities } from '../../federation/index.js';
import type { MemberClient, LocalNetwork } from '../../node/index.js';
import { openNodeDirectory } from '../../node/index.js';
import { TRUST_PURPOSE, signVote } from '../../policy/index.js';
import type { PolicyDecision } from '../../policy/index.js';

// The demo's governance story, run through the hub's API like any member would: the
// collaboration starts at trust level 1, every member signs the raise to level 2 (federated
// training), and two forbidden actions are asked and refused with their explanation. Every
// decision, vote and level change lands in the collaboration's log.

/** One decision as the demo reports it (and its JSON carries). */
export interface DemoDecision {
  action: string;
  decision: 'allow' | 'deny';
  /** The pack and policy that decided (for an allow: the first pack consulted and its permit). */
  pack: string;
  policyId: string;
  reason: string;
  /** What was asked, in words. */
  asked: string;
}

export interface DemoGovernance {
  trust: { from: number; to: number; signers: string[] };
  decisions: DemoDecision[];
}

interface Party {
  name: string;
  jurisdiction: string;
}

/**
 * The hub proposes the next trust level and every member signs it with its own key, as each
 * would with `converge trust vote`; throws unless the level rose.
 */
export async function raiseTrustTogether(
  net: LocalNetwork,
  client: MemberClient,
  onProposed: (p: { from: number; to: number }) => void = () => {},
) {
  const collab = net.spec.collab.id;
  const before = await client.trustState(collab);
  const proposal = await client.proposeTrustRaise(collab, net.spec.hub.name);
  onProposed({ from: before.level, to: proposal.to });
  let after = before;
  for (const member of before.members) {
    const { key } = await openNodeDirectory(net.dir(member));
    after = await client.voteTrust(
      collab,
      member,
      signVote(TRUST_PURPOSE, proposal, key.privateKey),
    );
  }
  if (after.level !== proposal.to) {
    throw new Error(
      `the trust level stayed at ${after.level}: ${after.missing.join(', ')} missing`,
    );
  }
  return { before, proposal, after };
}

export async function demoGovernance(
  net: LocalNetwork,
  client: MemberClient,
  say: (line: string) => void,
): Promise<DemoGovernance> {
  const { spec } = net;
  const collab = spec.collab.id;
  const parties: Party[] = [spec.hub, ...spec.sites, ...(spec.members ?? [])];
  const party = (name: string): Party => {
    const found = parties.find((p) => p.name === name);
    if (!found) throw new Error(`the demo network has no member ${name}`);
    return found;
  };
  const decisions: DemoDecision[] = [];

  // Trust: level 1 → 2, by every member's signature.
  const { before, after } = await raiseTrustTogether(net, client, (p) =>
    say(`  trust: ${collab} is at level ${p.from}; ${spec.hub.name} proposes level ${p.to}`),
  );
  say(`  trust: every member signed (${before.members.join(', ')}): level ${after.level}`);

  // Two actions no pack in force should let through.
  const hungary = party('hungary');
  const cleveland = party('cleveland');
  const exportRecords = {
    principal: { type: 'Node', id: hungary.name },
    action: 'moveData',
    resource: { type: 'Dataset', id: 'hungary-heart-records' },
    context: {
      owner: institutionId(hungary.name),
      collaboration: collab,
      transfer: {
        payloadKind: 'raw-records',
        carriesPersonalInformation: true,
        originCountry: hungary.jurisdiction,
        destinationCountry: cleveland.jurisdiction,
        recipient: institutionId(cleveland.name),
        personalInformationSubjects: 294,
        sensitivePersonalInformationSubjects: 294,
        importantData: false,
      },
    },
    entities: [
      ...memberEntities(hungary, collab),
      ...memberEntities(cleveland, collab),
      {
        type: 'Dataset',
        id: 'hungary-heart-records',
        attrs: { originCountry: hungary.jurisdiction },
        parents: [{ type: 'Collaboration', id: collab }],
      },
    ],
  };
  const partner = party('pumch');
  const placeOnH100 = placeOnH100Request(partner, collab);
  const asked: [string, unknown][] = [
    [`${hungary.name} exports its raw patient records to ${cleveland.name} (US)`, exportRecords],
    [
      `${partner.name} (headquartered in ${partner.jurisdiction}) trains on a US H100 (3A090-class)`,
      placeOnH100,
    ],
  ];
  for (const [words, request] of asked) {
    const { decision } = await client.decide(collab, request);
    const reported = describe(decision, words);
    decisions.push(reported);
    say(
      `  policy: ${words}: ${reported.decision.toUpperCase()} by ${reported.policyId}: ${reported.reason}`,
    );
  }
  return {
    trust: { from: before.level, to: after.level, signers: [...before.members] },
    decisions,
  };
}

function describe(decision: PolicyDecision, asked: string): DemoDecision {
  const { deciding } = decision;
  if (decision.decision === 'deny' && deciding) {
    const value =
      deciding.value === undefined ? '' : ` (${deciding.attribute} = ${deciding.value})`;
    return {
      action: decision.action,
      decision: 'deny',
      pack: deciding.pack,
      policyId: deciding.policyId,
      reason: `${deciding.reason}${value}`,
      asked,
    };
  }
  const first = decision.packs[0];
  return {
    action: decision.action,
    decision: decision.decision,
    pack: first?.pack ?? '',
    policyId: first?.policies[0] ?? '',
    reason: decision.error?.message ?? `allowed by ${decision.packs.map((p) => p.pack).join(', ')}`,
    asked,
  };
}

/** A member's training workload on a US H100 (TPP 15,832: ECCN 3A090.a.1). */
export function placeOnH100Request(
  member: { name: string; jurisdiction: string },
  collab: string,
): unknown {
  return {
    principal: { type: 'Node', id: member.name },
    action: 'placeWorkload',
    resource: { type: 'ComputeSite', id: 'us-east-h100' },
    context: {
      owner: institutionId(member.name),
      collaboration: collab,
      accelerator: { model: 'H100 SXM', tpp: 15832, performanceDensity: 19.45 },
      training: { exaOperations: 40 },
    },
    entities: [
      ...memberEntities(member, collab),
      { type: 'ComputeSite', id: 'us-east-h100', attrs: { country: 'US' }, parents: [] },
    ],
  };
}
