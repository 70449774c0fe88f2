/** What the signed-in key may do (from `viewer { scopes }`), for hiding or disabling actions. */
import { createContext, useContext } from 'react';

export interface ViewerInfo {
  open: boolean;
  keyName: string | null;
  scopes: readonly string[];
}

export const ViewerContext = createContext<ViewerInfo>({ open: true, keyName: null, scopes: [] });

/** `can('admin')`: whether the key holds that scope (admin and open servers hold all). */
export function useCan(): (scope: 'events:read' | 'events:write' | 'streams' | 'admin') => boolean {
  const v = useContext(ViewerContext);
  return (scope) => v.scopes.includes(scope);
}
