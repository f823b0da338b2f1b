/** Which database engine a store runs on. */
export type Backend = 'pglite' | 'postgres';

/**
 * A storage failure that says where it happened (backend, what was being done) in its
 * message, and keeps the underlying error as `cause` for logs.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly backend: Backend,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend}: ${message}`, options);
  }
}

/** The message of any thrown value, for composing clear error texts. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? `${cause.message} [${code}]` : cause.message;
  }
  return String(cause);
}
