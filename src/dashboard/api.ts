// Calls to the hub's API on this origin. Every failure becomes an ApiError with a sentence a
// person can read, so a page shows a message rather than going blank.

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The hub's own reason, if it gave one as JSON ({ error }), else the status line. */
async function reason(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: fall through to the text itself.
  }
  return text.trim() || res.statusText || `HTTP ${res.status}`;
}

export async function request(path: string, token?: string, init: RequestInit = {}) {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
    });
  } catch (err) {
    throw new ApiError(0, `the hub did not answer (${(err as Error).message}); is it running?`);
  }
  if (res.status === 401) throw new ApiError(401, 'the hub refused this token');
  if (!res.ok) throw new ApiError(res.status, `${path}: ${await reason(res)} (HTTP ${res.status})`);
  return res;
}

export async function getJson<T>(path: string, token?: string): Promise<T> {
  const res = await request(path, token);
  return (await res.json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await request(path)).text();
}
