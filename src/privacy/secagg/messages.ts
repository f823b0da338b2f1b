/**
 * The messages of a SecAgg+ round. Sites send AdvertiseKeys, ShareKeys, MaskedInput and
 * UnmaskResponse to the hub; the hub answers each phase with one request per site. The transport
 * must authenticate `site` (the signed envelope's sender) before handing a message over.
 */
import { z } from 'zod';
import { siteIdSchema } from './config.js';
import { SecAggRefusal } from './errors.js';
import { KEY_BYTES } from './keys.js';
import { SEED_BYTES } from './prg.js';
import { MAX_SHARES } from './shamir.js';
import { NONCE_BYTES, SEALED_SHARE_BYTES } from './share-box.js';

// z.custom rather than z.instanceof, which would narrow the buffer type to ArrayBuffer.
const bytes = (length: number) =>
  z
    .custom<Uint8Array>((v) => v instanceof Uint8Array, { error: 'must be bytes' })
    .refine((b) => b.length === length, { error: `must be ${length} bytes` });
const key = bytes(KEY_BYTES);
const round = z.string().min(1, 'must not be empty');
const siteList = z.array(siteIdSchema);

export const encryptedShareSchema = z.object({
  round,
  from: siteIdSchema,
  to: siteIdSchema,
  nonce: bytes(NONCE_BYTES),
  ciphertext: bytes(SEALED_SHARE_BYTES),
});

export const revealedShareSchema = z.object({
  /** The site whose secret this is a share of. */
  owner: siteIdSchema,
  x: z.number().int().min(1).max(MAX_SHARES),
  y: bytes(SEED_BYTES),
});
export type RevealedShare = z.infer<typeof revealedShareSchema>;

/** Phase 1, site → hub: the share-encryption public key and a commitment to the mask public key. */
export const advertiseKeysSchema = z.object({
  type: z.literal('advertise-keys'),
  round,
  site: siteIdSchema,
  encryptionKey: key,
  maskKeyCommitment: bytes(32),
});

/** Phase 2, hub → site: the advertised keys of the site's live neighbours. */
export const shareKeysRequestSchema = z.object({
  type: z.literal('share-keys-request'),
  round,
  site: siteIdSchema,
  neighbours: z.array(
    z.object({ site: siteIdSchema, encryptionKey: key, maskKeyCommitment: bytes(32) }),
  ),
});

/** Phase 2, site → hub: the mask public key (opening the commitment) and one envelope per neighbour. */
export const shareKeysSchema = z.object({
  type: z.literal('share-keys'),
  round,
  site: siteIdSchema,
  maskPublicKey: key,
  shares: z.array(encryptedShareSchema),
});

/** Phase 3, hub → site: each live neighbour's mask public key and its envelope for this site. */
export const maskedInputRequestSchema = z.object({
  type: z.literal('masked-input-request'),
  round,
  site: siteIdSchema,
  neighbours: z.array(
    z.object({ site: siteIdSchema, maskPublicKey: key, share: encryptedShareSchema }),
  ),
});

/** Phase 3, site → hub: y = x + PRG(b) + Σ±PRG(s_uv) mod 2^32, the weight last. */
export const maskedInputSchema = z.object({
  type: z.literal('masked-input'),
  round,
  site: siteIdSchema,
  vector: z.custom<Uint32Array>((v) => v instanceof Uint32Array, {
    error: 'must be a Uint32Array',
  }),
});

/** Phase 4, hub → site: who sent a masked input (survivors) and who shared but did not (dropped). */
export const unmaskRequestSchema = z.object({
  type: z.literal('unmask-request'),
  round,
  site: siteIdSchema,
  survivors: siteList,
  dropped: siteList,
});

/** Phase 4, site → hub: shares of survivors' self-mask seeds and of dropped sites' mask keys. */
export const unmaskResponseSchema = z.object({
  type: z.literal('unmask-response'),
  round,
  site: siteIdSchema,
  selfMaskShares: z.array(revealedShareSchema),
  maskKeyShares: z.array(revealedShareSchema),
});

export type AdvertiseKeys = z.infer<typeof advertiseKeysSchema>;
export type ShareKeysRequest = z.infer<typeof shareKeysRequestSchema>;
export type ShareKeys = z.infer<typeof shareKeysSchema>;
export type MaskedInputRequest = z.infer<typeof maskedInputRequestSchema>;
export type MaskedInput = z.infer<typeof maskedInputSchema>;
export type UnmaskRequest = z.infer<typeof unmaskRequestSchema>;
export type UnmaskResponse = z.infer<typeof unmaskResponseSchema>;

export type SiteMessage = AdvertiseKeys | ShareKeys | MaskedInput | UnmaskResponse;
export type HubMessage = ShareKeysRequest | MaskedInputRequest | UnmaskRequest;
export type SecAggMessage = SiteMessage | HubMessage;

export const secAggMessageSchema = z.discriminatedUnion('type', [
  advertiseKeysSchema,
  shareKeysRequestSchema,
  shareKeysSchema,
  maskedInputRequestSchema,
  maskedInputSchema,
  unmaskRequestSchema,
  unmaskResponseSchema,
]);

export const siteMessageSchema = z.discriminatedUnion('type', [
  advertiseKeysSchema,
  shareKeysSchema,
  maskedInputSchema,
  unmaskResponseSchema,
]);

/** Validates a message against `schema`, or refuses it as malformed, naming the field. */
export function parseMessage<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'message';
  throw new SecAggRefusal(
    'malformed',
    `malformed ${what}: ${field} ${issue?.message ?? 'is invalid'}`,
  );
}
