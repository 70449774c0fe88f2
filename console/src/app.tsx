/**
 * The shell: asks the server who we are (`viewer`); when keys are configured and we have none (or
 * a wrong one), the key prompt; then the navigation and the current page.
 */
import { Suspense, useCallback, useEffect, useState } from 'react';
import { ViewerDocument } from './generated/graphql.ts';
import { getApiKey, setApiKey } from './lib/auth.ts';
import { type RequestError, request } from './lib/graphql.ts';
import { Link, matchPath, navigate, useRoute } from './lib/router.ts';
import { ViewerContext, type ViewerInfo } from './lib/viewer.ts';
import { HOME, ROUTES } from './routes.ts';
import { KeyPrompt } from './key-prompt.tsx';

type Session = { state: 'checking' } | { state: 'key'; error: string | null } | { state: 'ready'; viewer: ViewerInfo } | { state: 'down'; error: string };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = useCallback(async () => {
    setSession({ state: 'checking' });
    try {
      const { viewer } = await request(ViewerDocument);
      setSession({ state: 'ready', viewer });
    } catch (e) {
      const err = e as RequestError;
      if (err.code === 'UNAUTHENTICATED') setSession({ state: 'key', error: getApiKey() ? 'That key was not accepted.' : null });
      else setSession({ state: 'down', error: err.message });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  if (session.state === 'checking') return <p className="center">Connecting…</p>;
  if (session.state === 'down')
    return (
      <main className="center">
        <h1>The server did not answer</h1>
        <p role="alert">{session.error}</p>
        <button type="button" onClick={() => void check()}>
          Try again
        </button>
      </main>
    );
  if (session.state === 'key')
    return (
      <KeyPrompt
        error={session.error}
        onKey={(key) => {
          setApiKey(key);
          void check();
        }}
      />
    );
  return (
    <ViewerContext.Provider value={session.viewer}>
      <Shell
        viewer={session.viewer}
        onSignOut={() => {
          setApiKey(null);
          void check();
        }}
      />
    </ViewerContext.Provider>
  );
}

function Shell({ viewer, onSignOut }: { viewer: ViewerInfo; onSignOut(): void }) {
  const { path } = useRoute();
  useEffect(() => {
    if (path === '/') navigate(HOME, { replace: true });
  }, [path]);
  let current: { route: (typeof ROUTES)[number]; params: Record<string, string> } | null = null;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) {
      current = { route, params };
      break;
    }
  }
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Unified Surveillance</span>
        <nav aria-label="Pages">
          <ul>
            {ROUTES.filter((r) => r.nav && (!r.scope || viewer.scopes.includes(r.scope))).map((r) => (
              <li key={r.path}>
                <Link to={r.path} aria-current={section === r.path ? 'page' : undefined}>
                  {r.nav}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {viewer.open ? (
            <span title="No API keys are configured on the server">open server</span>
          ) : (
            <>
              <span>
                {viewer.keyName} ({viewer.scopes.join(', ')})
              </span>
              <button type="button" className="link" onClick={onSignOut}>
                Sign out
              </button>
            </>
          )}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p>Loading…</p>}>
          {current ? (
            <current.route.page params={current.params} />
          ) : path === '/' ? null : (
            <>
              <h1>Not found</h1>
              <p>
                No page at {path}. <Link to={HOME}>Go to Live</Link>
              </p>
            </>
          )}
        </Suspense>
      </main>
    </>
  );
}
