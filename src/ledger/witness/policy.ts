import { PolicyError } from '../errors.js';
import { SignatureType, parseVerifierKey, type NoteVerifier } from '../keys.js';
import { newVerifier } from '../signers.js';

// C2SP tlog-policy: which logs and witnesses are known, and the quorum of cosignatures a
// checkpoint needs. Line based; items separated by spaces and tabs; "#" comments; a group or
// the quorum may only name witnesses and groups defined on earlier lines; exactly one quorum.
//   log <vkey> [url]
//   witness <name> <vkey> [url]
//   group <name> <all|any|k> <member>...
//   quorum <name|none>

export interface PolicyLog {
  vkey: string;
  url?: string;
  verifier: NoteVerifier;
}

export interface PolicyWitness {
  name: string;
  vkey: string;
  url?: string;
  verifier: NoteVerifier;
}

export interface PolicyGroup {
  name: string;
  /** How many members must have witnessed a checkpoint: 1 ≤ threshold ≤ members.length. */
  threshold: number;
  members: string[];
}

export interface Policy {
  logs: PolicyLog[];
  witnesses: Map<string, PolicyWitness>;
  groups: Map<string, PolicyGroup>;
  /** A witness or group name, or "none" for no cosignatures required. */
  quorum: string;
}

/** The predefined quorum name that requires no cosignature. */
export const NO_QUORUM = 'none';

export function parsePolicy(text: string): Policy {
  const policy: Policy = { logs: [], witnesses: new Map(), groups: new Map(), quorum: '' };
  const logKeys = new Set<string>();
  const witnessKeys = new Set<string>();
  let quorumLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const fail = (message: string): never => {
      throw new PolicyError(`policy line ${line}: ${message}`);
    };
    // Allowed octets: tab, newline, printable ASCII, and anything non-ASCII (opaque).
    if (hasControlCharacter(raw)) fail('control character');
    const stripped = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (stripped === '' || stripped.startsWith('#')) return;
    const [keyword, ...args] = stripped.split(/[ \t]+/);
    const defined = (name: string): boolean =>
      policy.witnesses.has(name) || policy.groups.has(name);
    const requireNewName = (name: string): void => {
      if (name === NO_QUORUM) fail(`"${NO_QUORUM}" is reserved`);
      if (defined(name)) fail(`${JSON.stringify(name)} is already defined`);
    };
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) fail('want "log <vkey> [url]"');
        const [vkey, url] = args as [string, string?];
        const { verifier, publicKey } = verifierFor(vkey, SignatureType.Ed25519, fail);
        if (logKeys.has(publicKey)) fail('duplicate log key');
        logKeys.add(publicKey);
        policy.logs.push({ vkey, verifier, ...(url === undefined ? {} : { url }) });
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) fail('want "witness <name> <vkey> [url]"');
        const [name, vkey, url] = args as [string, string, string?];
        requireNewName(name);
        const { verifier, publicKey } = verifierFor(vkey, SignatureType.Ed25519Cosignature, fail);
        if (witnessKeys.has(publicKey)) fail('duplicate witness key');
        witnessKeys.add(publicKey);
        policy.witnesses.set(name, { name, vkey, verifier, ...(url === undefined ? {} : { url }) });
        break;
      }
      case 'group': {
        if (args.length < 3) fail('want "group <name> <all|any|k> <member>..."');
        const [name, k, ...members] = args as [string, string, ...string[]];
        requireNewName(name);
        const seen = new Set<string>();
        for (const member of members) {
          if (member === NO_QUORUM) fail(`"${NO_QUORUM}" cannot be a group member`);
          if (!defined(member)) fail(`${JSON.stringify(member)} is not defined on an earlier line`);
          if (seen.has(member)) fail(`${JSON.stringify(member)} is listed twice`);
          seen.add(member);
        }
        if (!/^(all|any|[1-9][0-9]*)$/.test(k)) {
          fail(`threshold ${JSON.stringify(k)} is not all, any or a positive number`);
        }
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : Number(k);
        if (threshold > members.length)
          fail(`threshold ${k} exceeds the ${members.length} members`);
        policy.groups.set(name, { name, threshold, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) fail('want "quorum <name>"');
        if (quorumLine) fail(`second quorum line (the first is line ${quorumLine})`);
        const [name] = args as [string];
        if (name !== NO_QUORUM && !defined(name)) {
          fail(`${JSON.stringify(name)} is not defined on an earlier line`);
        }
        policy.quorum = name;
        quorumLine = line;
        break;
      }
      default:
        fail(`unknown keyword ${JSON.stringify(keyword)}`);
    }
  });
  if (!quorumLine) throw new PolicyError('policy has no quorum line');
  return policy;
}

export function formatPolicy(policy: Policy): string {
  const withUrl = (line: string, url?: string): string => (url ? `${line} ${url}` : line);
  const lines = [
    ...policy.logs.map((log) => withUrl(`log ${log.vkey}`, log.url)),
    ...[...policy.witnesses.values()].map((w) => withUrl(`witness ${w.name} ${w.vkey}`, w.url)),
    ...[...policy.groups.values()].map(
      (g) => `group ${g.name} ${thresholdWord(g)} ${g.members.join(' ')}`,
    ),
    `quorum ${policy.quorum}`,
  ];
  return `${lines.join('\n')}\n`;
}

function thresholdWord({ threshold, members }: PolicyGroup): string {
  if (threshold === 1) return 'any';
  return threshold === members.length ? 'all' : String(threshold);
}

/** Whether the witnesses named in `cosigners` (policy names) satisfy the quorum. */
export function quorumSatisfied(policy: Policy, cosigners: Iterable<string>): boolean {
  const signed = new Set(cosigners);
  const witnessed = (name: string): boolean => {
    if (policy.witnesses.has(name)) return signed.has(name);
    const group = policy.groups.get(name);
    if (!group) return false;
    return group.members.filter(witnessed).length >= group.threshold;
  };
  return policy.quorum === NO_QUORUM || witnessed(policy.quorum);
}

/** The verifier for a vkey of the wanted type, and its raw public key for duplicate checks. */
function verifierFor(
  vkey: string,
  type: number,
  fail: (message: string) => never,
): { verifier: NoteVerifier; publicKey: string } {
  try {
    const parts = parseVerifierKey(vkey);
    if (parts.type !== type) {
      return fail(`key ${parts.name} has type 0x${parts.type.toString(16)}, want 0x0${type}`);
    }
    return { verifier: newVerifier(vkey), publicKey: Buffer.from(parts.key).toString('hex') };
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    return fail(`bad vkey: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function hasControlCharacter(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}
