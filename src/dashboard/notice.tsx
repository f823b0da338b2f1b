import type { ReactNode } from 'react';

/** A failure said in words, announced to screen readers. */
export function ErrorNotice({ error }: { error: Error }) {
  return (
    <p className="notice error" role="alert">
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="notice" role="status">
      Loading {what}…
    </p>
  );
}

/** What a page will show once its part of Converge is wired into the hub. */
export function NotWired({ children }: { children: ReactNode }) {
  return <div className="notice pending">{children}</div>;
}
