import { z } from 'zod';

/** The words every pack's metadata must carry, so no one mistakes a pack for legal advice. */
export const DISCLAIMER = 'illustrative encoding of public rules, not legal advice';

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && isRealDate(text), {
    message: 'not a calendar date',
  });

function isRealDate(text: string): boolean {
  return new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "CN" (ZZ: anywhere)');

const Source = z.strictObject({
  title: z.string().min(1),
  citation: z.string().min(1),
  url: z.url().optional(),
});

/** When a policy is in force: from `effective` (inclusive) until `retired` (exclusive). */
const PolicyMeta = z
  .strictObject({
    effective: IsoDate,
    retired: IsoDate.optional(),
    retiredBy: z.string().min(1).optional(),
    sources: z.array(z.string().min(1)),
    note: z.string().min(1).optional(),
  })
  .refine((p) => p.retired === undefined || p.retired > p.effective, {
    message: 'retired must come after effective',
    path: ['retired'],
  })
  .refine((p) => (p.retired === undefined) === (p.retiredBy === undefined), {
    message: 'a retired policy names what retired it (retiredBy), and only a retired one does',
    path: ['retiredBy'],
  });

const Scope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('consortium') }),
  z.strictObject({ kind: z.literal('jurisdiction'), countries: z.array(CountryCode).min(1) }),
]);

export const PackMeta = z
  .strictObject({
    pack: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case pack name such as "cn"'),
    version: z.string().min(1),
    title: z.string().min(1),
    disclaimer: z.string().refine((text) => text.toLowerCase().includes(DISCLAIMER), {
      message: `must say "${DISCLAIMER}"`,
    }),
    scope: Scope,
    sources: z.record(z.string(), Source),
    policies: z.record(z.string(), PolicyMeta),
  })
  .superRefine((meta, ctx) => {
    for (const [id, policy] of Object.entries(meta.policies)) {
      for (const source of policy.sources) {
        if (!(source in meta.sources)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', id, 'sources'],
            message: `unknown source "${source}"`,
          });
        }
      }
    }
  });

export type PackMeta = z.infer<typeof PackMeta>;
export type PolicyMeta = z.infer<typeof PolicyMeta>;

/** zod's issues as "path: message" lines. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}
