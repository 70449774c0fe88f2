/**
 * The event kinds to offer in filters: the server's EventKind enum (the core kinds plus those its
 * adapters declare, e.g. DOOR_OPENED), read once per page load by introspection; the core kinds when
 * the server turns introspection off (`graphql.introspection: false`) or cannot be reached.
 */
import { useEffect, useState } from 'react';
import { type EventKind, EventKindsDocument } from '../generated/graphql.ts';
import { EVENT_KINDS } from './format.ts';
import { request } from './graphql.ts';

let loaded: Promise<readonly EventKind[]> | null = null;

/** The names in the enum, or null when the answer holds none (the type is missing or not an enum). */
export function kindsFromIntrospection(type: { enumValues?: readonly { name: string }[] | null } | null | undefined): EventKind[] | null {
  const names = type?.enumValues?.map((v) => v.name) ?? [];
  return names.length > 0 ? (names as EventKind[]) : null;
}

function loadKinds(): Promise<readonly EventKind[]> {
  loaded ??= request(EventKindsDocument, {}).then(
    (data) => kindsFromIntrospection(data.__type) ?? EVENT_KINDS,
    () => {
      loaded = null; // try again on the next mount (a key entered since, the server back)
      return EVENT_KINDS;
    },
  );
  return loaded;
}

export function useEventKinds(): readonly EventKind[] {
  const [kinds, setKinds] = useState<readonly EventKind[]>(EVENT_KINDS);
  useEffect(() => {
    let live = true;
    loadKinds().then((k) => live && setKinds(k));
    return () => {
      live = false;
    };
  }, []);
  return kinds;
}
