import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Structured JSON logs with levels. On a terminal they are rendered readably; into a file
 * or a pipe they stay one JSON object per line. Key material is redacted by path as a
 * second line of defence (keys also refuse to serialise themselves).
 */
export function createLogger(opts: {
  name: string;
  level?: string;
  file?: string;
  pretty?: boolean;
}): Logger {
  const options = {
    name: opts.name,
    level: opts.level ?? process.env['CONVERGE_LOG_LEVEL'] ?? 'info',
    redact: {
      paths: ['privateKey', '*.privateKey', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  };
  if (opts.file)
    return pino(options, pino.destination({ dest: opts.file, sync: false, mkdir: true }));
  const usePretty = opts.pretty ?? process.stderr.isTTY;
  if (usePretty) return pino(options, pretty({ colorize: true, sync: true, destination: 2 }));
  return pino(options, pino.destination(2));
}
