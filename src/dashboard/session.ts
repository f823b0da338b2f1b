// The member token lives in sessionStorage only: it is typed in (or arrives in the link's
// fragment, which browsers never send to a server) and is gone when the tab closes.

const KEY = 'converge.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

/** Takes a token from a "#token=…" link (as `converge demo` prints), then drops it from the URL. */
export function tokenFromLink(): void {
  const match = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!match?.[1]) return;
  storeToken(match[1]);
  history.replaceState(null, '', `${location.pathname}#/training`);
}
