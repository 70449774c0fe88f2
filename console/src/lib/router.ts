/**
 * A tiny history router (no dependency): paths under /console/, the query string holds a page's
 * filters so a URL can be shared and reloaded. `navigate`, `useRoute`, `useSearch` and <Link>.
 */
import { createElement, type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

export const BASE = '/console';
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
window.addEventListener('popstate', notify);

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
const snapshot = () => location.pathname + location.search;

/** Go to an app path (`/events?plate=1AB*`); `replace` keeps the history entry (filter typing). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = BASE + to;
  if (url === snapshot()) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  notify();
}

/** The current app path (without /console) and query. */
export function useRoute(): { path: string; search: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, location.origin);
  const path = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) || '/' : url.pathname;
  return { path: path.length > 1 ? path.replace(/\/$/, '') : path, search: url.searchParams };
}

/** The query string as a plain object, and a setter that writes it back to the URL (empty values dropped). */
export function useSearch(): [URLSearchParams, (next: Record<string, string | null | undefined>, options?: { replace?: boolean }) => void] {
  const { path, search } = useRoute();
  const set = (next: Record<string, string | null | undefined>, options?: { replace?: boolean }) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) q.set(k, v);
    const s = q.toString();
    navigate(s ? `${path}?${s}` : path, options);
  };
  return [search, set];
}

/** Match `/events/:id` against a path; the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

/** An <a> to an app path: a plain click navigates in place; modified clicks open as links do. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return createElement('a', { ...rest, href: BASE + to, onClick });
}
