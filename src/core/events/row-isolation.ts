/**
 * Finding the rows a database refuses inside a batch that failed while the database answers: the
 * batch is written in halves until each failing row stands alone, and those are refused. The
 * writer (writer.ts) supplies how to write, how to tell an outage (refusal.ts plus a ping) and what
 * refusing means; this file is only the search.
 *
 * A single row that failed with a known data error (refusal.ts `isDataState`) is refused at once;
 * one that failed otherwise gets one more try alone, so a passing glitch is not taken for bad data.
 * When the database fails meanwhile, the search stops and hands back every write not yet written,
 * with that error, for the writer's outage path.
 */
import { isDataState } from './refusal.ts';

export interface RowIsolationSteps<W> {
  /** Write these rows in one statement; throws what the database said. */
  write(rows: W[]): Promise<void>;
  /** True when `err` means the database is unavailable rather than a row being at fault. */
  isOutage(err: unknown): Promise<boolean>;
  /** A row that fails alone while the database answers. */
  refuse(row: W, err: unknown): void;
}

/** The writes left when the database failed during the search (with that error); empty when done. */
export type Unwritten<W> = W[] & { err?: unknown };

export async function isolateRefusedRows<W>(batch: W[], err: unknown, steps: RowIsolationSteps<W>): Promise<Unwritten<W>> {
  if (batch.length === 1) {
    const row = batch[0];
    if (!isDataState(err)) {
      try {
        await steps.write([row]);
        return [];
      } catch (again) {
        if (await steps.isOutage(again)) return Object.assign([row], { err: again });
        err = again;
      }
    }
    steps.refuse(row, err);
    return [];
  }
  const mid = Math.ceil(batch.length / 2);
  const halves = [batch.slice(0, mid), batch.slice(mid)];
  for (let h = 0; h < halves.length; h++) {
    try {
      await steps.write(halves[h]);
    } catch (e) {
      if (await steps.isOutage(e)) return Object.assign(halves.slice(h).flat(), { err: e });
      const left = await isolateRefusedRows(halves[h], e, steps);
      if (left.length) return Object.assign([...left, ...halves.slice(h + 1).flat()], { err: left.err });
    }
  }
  return [];
}
