/** A small lazily loaded image of an event (plate crop first), or an empty box of the same size. */
import type { EventRowFragment } from '../generated/graphql.ts';
import { withAccessToken } from '../lib/auth.ts';
import { plateOf, thumbnailOf } from '../lib/format.ts';

export function Thumb({ event }: { event: EventRowFragment }) {
  const m = thumbnailOf(event);
  if (!m) return <span className="thumb empty" aria-hidden="true" />;
  const plate = plateOf(event);
  return (
    <img
      className="thumb"
      src={withAccessToken(m.url)}
      loading="lazy"
      decoding="async"
      width={96}
      height={54}
      alt={plate ? `${m.role.toLowerCase().replace('_', ' ')} of ${plate}` : m.role.toLowerCase().replace('_', ' ')}
    />
  );
}
