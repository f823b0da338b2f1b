import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of converge's package.json, found by walking up from this file, so that it is
 * right whether the code runs compiled (dist/src/...) or from source under the test runner.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'converge') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the converge package root');
    dir = parent;
  }
}

/** Node processes always run the compiled CLI (npm run build), also when started from tests. */
export function cliEntry(): string {
  return join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
}
