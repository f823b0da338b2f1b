import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PolicyError } from '../policy/index.js';

/**
 * What a `converge policy` command prints and how it exits: 0 yes (allowed, reproduces,
 * valid), 2 the policy answer is no (denied, does not reproduce, a pack is invalid). Errors,
 * where no answer could be given, are thrown and exit 1 through main.ts.
 */
export interface PolicyOutcome {
  readonly output: string;
  readonly exitCode: 0 | 2;
}

/** A JSON file, or an error naming the file and what is wrong with it. */
export function readJsonFile(path: string): unknown {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read it (${messageOf(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${messageOf(error)})`);
  }
}

/** A sample request with the name it is reported under. */
export interface LabelledRequest {
  readonly label: string;
  readonly request: unknown;
}

/**
 * Sample requests: a folder of request files (each `*.json`), a file holding one request, or a
 * file holding a JSON array of them.
 */
export function readRequests(path: string): LabelledRequest[] {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.json'))
      .sort();
    if (files.length === 0) throw new Error(`${path}: no *.json request files in this folder`);
    return files.map((f) => ({ label: f, request: readJsonFile(join(path, f)) }));
  }
  const json = readJsonFile(path);
  if (!Array.isArray(json)) return [{ label: basename(path), request: json }];
  return json.map((request: unknown, i) => ({ label: `${basename(path)}[${i}]`, request }));
}

/** One line for a policy error: its message and every detail (each names a field or policy). */
export function policyErrorLine(where: string, message: string, details: readonly string[]): Error {
  const prefix = where === '' ? '' : `${where}: `;
  return new Error(`${prefix}${message}${details.length > 0 ? `: ${details.join('; ')}` : ''}`);
}

/** Run something from the policy core, turning its PolicyError into one line naming `where`. */
export function withPolicyErrors<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PolicyError) throw policyErrorLine(where, error.message, error.details);
    throw error;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Hashes are long; twelve hex digits identify a version for a reader. */
export function shortHash(hash: string): string {
  return hash === '' ? '(none)' : `${hash.slice(0, 12)}…`;
}
