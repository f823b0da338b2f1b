import { z } from 'zod';

/** The words every pack's metadata must carry, so no one mistakes a pack for legal advice. */
export const DISCLAIMER = 'illustrative encoding of public rules, not legal advice';

export const ISO_DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** YYYY-MM-DD naming a real day, by arithmetic (Date parsing is slow on the decision path). */
export function isCalendarDate(text: string): boolean {
  if (!ISO_DATE_FORMAT.test(text)) return false;
  const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8)].map(Number) as [
    number,
    number,
    number,
  ];
  const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

export const IsoDate = z
  .string()
  .regex(ISO_DATE_FORMAT, 'a date as YYYY-MM-DD')
  .refine(isCalendarDate, { message: 'not a calendar date' });

const isUpper = (code: number): boolean => code >= 65 && code <= 90;
export const COUNTRY_CODE_FORMAT = 'an ISO 3166-1 alpha-2 code such as "CN" (ZZ: anywhere)';

/** Two capital letters, tested by char code (a regex was 4 % of a decision). */
export function isCountryCode(text: string): boolean {
  return text.length === 2 && isUpper(text.charCodeAt(0)) && isUpper(text.charCodeAt(1));
}

export const CountryCode = z.string().refine(isCountryCode, COUNTRY_CODE_FORMAT);

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
