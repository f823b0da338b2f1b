import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { packageRoot } from './package-root.js';

// The dashboard's built files (vite build → dist/dashboard), served by the hub on the same origin
// as its API, so the browser needs no cross-origin access and no development server.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// Everything comes from this origin; charts set style attributes, hence 'unsafe-inline' for styles.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function dashboardDir(): string {
  return join(packageRoot(), 'dist', 'dashboard');
}

/** The file for a request path, or undefined; paths that climb out of the directory never match. */
export async function dashboardFile(dir: string, path: string): Promise<Response | undefined> {
  const relative = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const file = normalize(join(dir, relative));
  if (!file.startsWith(dir + sep) || !existsSync(file)) return undefined;
  const body = await readFile(file);
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const hashed = relative.startsWith('assets/');
  return new Response(body, {
    headers: {
      'content-type': type,
      // Vite names assets by content hash: cache them forever; index.html never.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
}
