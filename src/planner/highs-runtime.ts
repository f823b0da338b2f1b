/** One HiGHS (wasm) runtime per process, loaded on first use. */
import * as highsModule from 'highs';
import type { Highs } from 'highs';

type Loader = () => Promise<Highs>;

// `highs` ships ESM at runtime (default export: the loader) but CommonJS-flavoured types, under
// which TypeScript sees the loader one `default` deeper. Accept either shape.
function loader(): Loader {
  const outer: unknown = highsModule.default;
  if (typeof outer === 'function') return outer as Loader;
  return (outer as { default: Loader }).default;
}

let runtime: Promise<Highs> | undefined;

export function highsRuntime(): Promise<Highs> {
  if (runtime === undefined) runtime = loader()();
  return runtime;
}

/** HiGHS model status codes (highs.constants.modelStatus) as words for reports. */
export const MODEL_STATUS: Readonly<Record<number, string>> = {
  0: 'not set',
  1: 'load error',
  2: 'model error',
  3: 'presolve error',
  4: 'solve error',
  5: 'postsolve error',
  6: 'empty',
  7: 'optimal',
  8: 'infeasible',
  9: 'unbounded or infeasible',
  10: 'unbounded',
  11: 'objective bound reached',
  12: 'objective target reached',
  13: 'time limit reached',
  14: 'iteration limit reached',
  15: 'unknown',
  16: 'solution limit reached',
  17: 'interrupted',
};
