/**
 * The console's pages: one entry each, loaded on demand (a page's code is fetched when it is first
 * opened). A new page is one file under pages/ plus one line here. `scope`: shown in the navigation
 * only to keys holding it (the page itself says so to others).
 */
import { type ComponentType, lazy, type LazyExoticComponent } from 'react';

export interface PageRoute {
  /** `/events/:id`; params are passed to the page as props. */
  path: string;
  /** Shown in the navigation when set. */
  nav?: string;
  /** Hidden in the navigation for keys without this scope. */
  scope?: 'admin';
  page: LazyExoticComponent<ComponentType<{ params: Record<string, string> }>>;
}

export const ROUTES: PageRoute[] = [
  { path: '/live', nav: 'Live', page: lazy(() => import('./pages/live.tsx')) },
  { path: '/events', nav: 'Events', page: lazy(() => import('./pages/events.tsx')) },
  { path: '/events/:id', page: lazy(() => import('./pages/event.tsx')) },
  { path: '/cameras', nav: 'Cameras', page: lazy(() => import('./pages/cameras.tsx')) },
  { path: '/adapters', nav: 'Adapters', page: lazy(() => import('./pages/adapters.tsx')) },
  { path: '/lists', nav: 'Lists', page: lazy(() => import('./pages/lists.tsx')) },
  { path: '/rules', nav: 'Rules', page: lazy(() => import('./pages/rules.tsx')) },
  { path: '/sinks', nav: 'Sinks', page: lazy(() => import('./pages/sinks.tsx')) },
  { path: '/admin', nav: 'Admin', scope: 'admin', page: lazy(() => import('./pages/admin.tsx')) },
];

/** Where `/console/` lands. */
export const HOME = '/live';
