// Checks a cosigned checkpoint in the browser, with WebCrypto Ed25519 only: the log's signature
// (C2SP signed note, type 0x01) and each witness's cosignature (tlog-cosignature v1, type
// 0x04: 8-byte timestamp, then a signature over "cosignature/v1\ntime <t>\n" ‖ the note's
// text), then whether the witnesses that verified satisfy the policy's quorum (tlog-policy).
// The keys come from the witness policy; nothing the hub says about who signed is trusted.

interface VerifierKey {
  name: string;
  keyId: number;
  type: number;
  publicKey: Uint8Array;
}

interface WitnessPolicy {
  log: VerifierKey;
  witnesses: Map<string, VerifierKey>;
  groups: Map<string, { threshold: number; members: string[] }>;
  quorum: string;
}

export interface NoteCheck {
  logSigned: boolean;
  /** Witnesses (policy names) whose cosignatures verified. */
  cosigners: string[];
  quorum: string;
  quorumMet: boolean;
  /** Signature lines that named a policy key but did not verify. */
  bad: string[];
}

const encoder = new TextEncoder();

/** Kept free of imports, so the same file runs in the browser and under Node's tests. */
function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function keyIdOf(name: string, type: number, publicKey: Uint8Array): Promise<number> {
  const bytes = new Uint8Array([...encoder.encode(name), 0x0a, type, ...publicKey]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return new DataView(digest.buffer).getUint32(0);
}

async function parseVkey(vkey: string): Promise<VerifierKey> {
  // <name>+<hex key id>+<base64>: the base64 part may itself contain "+".
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const name = vkey.slice(0, first);
  const encoded = vkey.slice(second + 1);
  if (first <= 0 || second < 0 || !encoded) throw new Error(`malformed verifier key ${vkey}`);
  const bytes = fromBase64(encoded);
  const type = bytes[0]!;
  const publicKey = bytes.slice(1);
  if (publicKey.length !== 32) throw new Error(`verifier key ${name} is not Ed25519`);
  return { name, type, publicKey, keyId: await keyIdOf(name, type, publicKey) };
}

export async function parseWitnessPolicy(text: string): Promise<WitnessPolicy> {
  let log: VerifierKey | undefined;
  const witnesses = new Map<string, VerifierKey>();
  const groups = new Map<string, { threshold: number; members: string[] }>();
  let quorum = '';
  for (const raw of text.split('\n')) {
    const [keyword, ...args] = raw.trim().split(/\s+/);
    if (keyword === 'log' && args[0]) log = await parseVkey(args[0]);
    if (keyword === 'witness' && args[0] && args[1])
      witnesses.set(args[0], await parseVkey(args[1]));
    if (keyword === 'group' && args[0] && args[1]) {
      const members = args.slice(2);
      const threshold =
        args[1] === 'all' ? members.length : args[1] === 'any' ? 1 : Number(args[1]);
      groups.set(args[0], { threshold, members });
    }
    if (keyword === 'quorum' && args[0]) quorum = args[0];
  }
  if (!log) throw new Error('the witness policy names no log key');
  return { log, witnesses, groups, quorum };
}

function satisfied(policy: WitnessPolicy, name: string, signed: Set<string>): boolean {
  if (name === 'none') return true;
  if (policy.witnesses.has(name)) return signed.has(name);
  const group = policy.groups.get(name);
  if (!group) return false;
  return group.members.filter((m) => satisfied(policy, m, signed)).length >= group.threshold;
}

/** A copy backed by a plain ArrayBuffer, as WebCrypto's types ask. */
const plain = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function ed25519(key: VerifierKey, signature: Uint8Array, message: Uint8Array) {
  const imported = await crypto.subtle.importKey(
    'raw',
    plain(key.publicKey),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify('Ed25519', imported, plain(signature), plain(message));
}

/** Verifies every signature line of `note` that names a key of the policy. */
export async function checkNote(note: string, policyText: string): Promise<NoteCheck> {
  const policy = await parseWitnessPolicy(policyText);
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signatures');
  const text = encoder.encode(note.slice(0, split + 1));
  let logSigned = false;
  const cosigners = new Set<string>();
  const bad: string[] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith('\u2014 ')) continue;
    const [name, encoded] = line.slice(2).split(' ');
    if (!name || !encoded) continue;
    const bytes = fromBase64(encoded);
    const keyId = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
    const signature = bytes.slice(4);
    if (name === policy.log.name && keyId === policy.log.keyId) {
      if (await ed25519(policy.log, signature, text)) logSigned = true;
      else bad.push(name);
      continue;
    }
    const witness = [...policy.witnesses].find(([, k]) => k.name === name && k.keyId === keyId);
    if (!witness || signature.length !== 72) continue;
    const [policyName, key] = witness;
    const time = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
    const message = new Uint8Array([...encoder.encode(`cosignature/v1\ntime ${time}\n`), ...text]);
    if (await ed25519(key, signature.slice(8), message)) cosigners.add(policyName);
    else bad.push(policyName);
  }
  return {
    logSigned,
    cosigners: [...cosigners].sort(),
    quorum: policy.quorum,
    quorumMet: logSigned && satisfied(policy, policy.quorum, cosigners),
    bad,
  };
}
