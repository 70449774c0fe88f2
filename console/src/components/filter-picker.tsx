/** The "which events" part of the rule and sink forms: cameras, kinds and plate lists (multi-selects) and a plate. */
import type { EventKind } from '../generated/graphql.ts';
import type { FilterPicks } from '../lib/filter-picks.ts';
import { useEventKinds } from '../lib/event-kinds.ts';

export interface PickOption {
  id: string;
  name: string;
}

const selected = (el: HTMLSelectElement) => [...el.selectedOptions].map((o) => o.value);

export function FilterPicker({
  idPrefix,
  value,
  onChange,
  cameras,
  lists,
}: {
  idPrefix: string;
  value: FilterPicks;
  onChange(v: FilterPicks): void;
  cameras: readonly PickOption[];
  lists: readonly PickOption[];
}) {
  const kinds = useEventKinds();
  return (
    <fieldset className="picks">
      <legend>Which events (nothing picked: every event)</legend>
      <div>
        <label htmlFor={`${idPrefix}-cameras`}>Cameras</label>
        <select id={`${idPrefix}-cameras`} multiple size={4} value={value.cameraIds} onChange={(e) => onChange({ ...value, cameraIds: selected(e.currentTarget) })}>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-kinds`}>Kinds</label>
        <select id={`${idPrefix}-kinds`} multiple size={4} value={value.kinds} onChange={(e) => onChange({ ...value, kinds: selected(e.currentTarget) as EventKind[] })}>
          {kinds.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-lists`}>Plate lists</label>
        <select id={`${idPrefix}-lists`} multiple size={4} value={value.plateListIds} onChange={(e) => onChange({ ...value, plateListIds: selected(e.currentTarget) })}>
          {lists.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-plate`}>Plate (1AB* for a prefix)</label>
        <input id={`${idPrefix}-plate`} value={value.plate} onChange={(e) => onChange({ ...value, plate: e.target.value })} maxLength={100} autoComplete="off" />
      </div>
    </fieldset>
  );
}
