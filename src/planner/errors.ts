import type { z } from 'zod';

/** Bad planner input (a sites or jobs file, an option): the message names the field. */
export class PlannerInputError extends Error {
  override name = 'PlannerInputError';
}

/** `['sites', 3, 'accelerators', 0, 'tpp']` → `sites[3].accelerators[0].tpp`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

const ARTICLE: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  int: 'an integer',
};

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.message.endsWith('received undefined')) return 'required';
    return `expected ${ARTICLE[issue.expected] ?? issue.expected}`;
  }
  return issue.message;
}

/** One line per issue, `field.path: what is wrong`, joined with '; '. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${fieldPath(i.path)}: ${issueMessage(i)}`).join('; ');
}
