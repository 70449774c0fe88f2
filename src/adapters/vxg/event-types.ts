/**
 * The event types of one VXG camera, cached: read at start, re-read when older than the refresh
 * period or when a name is asked for that the cache does not know (a type added in VXG's own UI).
 * One listing in flight at a time.
 */
import type { VxgEventType } from './map.ts';

export interface EventTypeSource {
  listEventTypes(): Promise<VxgEventType[]>;
}

export class EventTypeCache {
  private types: VxgEventType[] | null = null;
  private fetchedAt = 0;
  private inflight: Promise<VxgEventType[]> | null = null;

  constructor(
    private readonly source: EventTypeSource,
    private readonly o: { ttlMs: number; now: () => number; onChange?: (types: VxgEventType[]) => void; minRefreshMs?: number },
  ) {}

  /** The cached list without I/O (null before the first successful read). */
  get current(): readonly VxgEventType[] | null {
    return this.types;
  }

  /** The types, from cache when fresh (or `force` to re-read). */
  async list(force = false): Promise<VxgEventType[]> {
    if (!force && this.types && this.o.now() - this.fetchedAt < this.o.ttlMs) return this.types;
    this.inflight ??= this.source.listEventTypes().then(
      (types) => {
        this.inflight = null;
        this.set(types);
        return types;
      },
      (e) => {
        this.inflight = null;
        throw e;
      },
    );
    return this.inflight;
  }

  /** The named type; the cache is re-read once when it does not know the name (not more than once per second). */
  async find(name: string): Promise<VxgEventType | null> {
    const hit = (await this.list()).find((t) => t.name === name);
    if (hit) return hit;
    if (this.o.now() - this.fetchedAt < (this.o.minRefreshMs ?? 1000)) return null;
    return (await this.list(true)).find((t) => t.name === name) ?? null;
  }

  /** Record a type VXG answered after an add or update. */
  upsert(type: VxgEventType): void {
    const list = [...(this.types ?? [])];
    const i = list.findIndex((t) => t.name === type.name);
    if (i >= 0) list[i] = type;
    else list.push(type);
    this.types = list;
    this.o.onChange?.(list);
  }

  private set(types: VxgEventType[]): void {
    const changed = JSON.stringify(types) !== JSON.stringify(this.types);
    this.types = types;
    this.fetchedAt = this.o.now();
    if (changed) this.o.onChange?.(types);
  }
}
