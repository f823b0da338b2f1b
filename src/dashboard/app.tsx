import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError } from './api';
import type { HubOverview } from './api-types';
import { ErrorNotice, Loading } from './notice';
import { CollaborationsPage } from './pages/collaborations';
import { DecisionsPage } from './pages/decisions';
import { LedgerPage } from './pages/ledger';
import { LoginPage } from './pages/login';
import { PrivacyPage } from './pages/privacy';
import { TrainingPage } from './pages/training';
import { currentPage, PAGES, type PagePath } from './routes';
import { closeOverviewFeed, overviewFeed } from './overview-feed';
import { forgetToken, storedToken, storeToken } from './session';

// The world map (TopoJSON and projections) is a third of the code: loaded when first shown, by
// the network and planner pages.
const NetworkPage = lazy(() => import('./pages/network').then((m) => ({ default: m.NetworkPage })));
const PlannerPage = lazy(() => import('./pages/planner').then((m) => ({ default: m.PlannerPage })));

export function App() {
  const [token, setToken] = useState(storedToken);
  const [page, setPage] = useState<PagePath>(currentPage);
  useEffect(() => {
    const follow = () => setPage(currentPage());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    const title = PAGES.find((p) => p.path === page)?.title ?? '';
    document.title = token ? `${title} · Converge` : 'Sign in · Converge';
  }, [page, token]);

  if (!token) {
    return (
      <LoginPage
        onToken={(t) => {
          storeToken(t);
          setToken(t);
        }}
      />
    );
  }
  const signOut = () => {
    closeOverviewFeed();
    forgetToken();
    setToken(null);
  };
  return <Shell token={token} page={page} onSignOut={signOut} />;
}

function Shell(props: { token: string; page: PagePath; onSignOut: () => void }) {
  const { token, page, onSignOut } = props;
  const feed = overviewFeed(token);
  const loaded = useSyncExternalStore(feed.subscribe, feed.snapshot);
  // A refused token (e.g. the hub was re-initialised) sends the member back to sign in.
  useEffect(() => {
    if (
      loaded.state === 'error' &&
      loaded.error instanceof ApiError &&
      loaded.error.status === 401
    ) {
      onSignOut();
    }
  }, [loaded, onSignOut]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">
          Converge
          {loaded.state === 'ready' && <span className="hub"> · node {loaded.value.node}</span>}
        </p>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {loaded.state === 'loading' && <Loading what="the hub's overview" />}
        {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
        {loaded.state === 'ready' && loaded.lost && (
          <p className="notice error" role="alert">
            Lost the hub's live overview ({loaded.lost.message}); trying again. What is shown may be
            out of date.
          </p>
        )}
        {loaded.state === 'ready' && <Page page={page} token={token} overview={loaded.value} />}
      </main>
    </>
  );
}

function Page(props: { page: PagePath; token: string; overview: HubOverview }) {
  const { page, token, overview } = props;
  switch (page) {
    case 'training':
      return <TrainingPage token={token} overview={overview} />;
    case 'ledger':
      return <LedgerPage overview={overview} />;
    case 'network':
      return (
        <Suspense fallback={<Loading what="the map" />}>
          <NetworkPage overview={overview} />
        </Suspense>
      );
    case 'collaborations':
      return <CollaborationsPage overview={overview} token={token} />;
    case 'decisions':
      return <DecisionsPage token={token} overview={overview} />;
    case 'privacy':
      return <PrivacyPage overview={overview} token={token} />;
    case 'planner':
      return (
        <Suspense fallback={<Loading what="the planner" />}>
          <PlannerPage token={token} overview={overview} />
        </Suspense>
      );
  }
}
