/** Commander argument parser for repeatable options (`--member a --member b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
