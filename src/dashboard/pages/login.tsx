import { useState, type FormEvent } from 'react';
import { getJson } from '../api';

/** The only page without a token: asks for it, checks it against the hub, keeps it for the tab. */
export function LoginPage({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const token = value.trim();
    if (!token) return setError('Enter the token first.');
    setChecking(true);
    try {
      await getJson('/v1/overview', token);
      onToken(token);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setChecking(false);
    }
  }

  return (
    <main id="main" className="login">
      <h1>Converge dashboard</h1>
      <p>
        Members of this hub's collaborations read it with the hub's member token.{' '}
        <code>converge node start</code> prints it; it is also in the file <code>api-token</code> in
        the hub's node directory.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">Member token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-describedby={error ? 'token-error' : undefined}
          aria-invalid={error ? true : undefined}
        />
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p id="token-error" className="notice error" role="alert">
            {error}
          </p>
        )}
      </form>
      <p className="small">
        The token stays in this browser tab (session storage) and is sent only to this hub.
      </p>
    </main>
  );
}
