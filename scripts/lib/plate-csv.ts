/**
 * The CSV of `npm run plates:import` (scripts/plates-import.ts), parsed and checked without I/O: a
 * header row naming the columns `plate` (required), `label`, `validFrom`, `validTo` (optional, any
 * order, names case-insensitive), one entry per row. Times are ISO-8601 with a time zone
 * (`2025-06-01T08:00:00Z`, `…+02:00`) or a date (`2025-06-01`, UTC midnight). Each row is checked
 * as addPlates checks it, so a bad row is reported with its line number before anything is sent.
 * Parsing uses csv-parse (quotes, embedded commas and line breaks, a BOM).
 */
import { parse } from 'csv-parse/sync';
import { normalizePlate } from '../../src/core/events/model.ts';
import { ENTRY_LABEL_MAX, ENTRY_PLATE_INPUT_MAX, ENTRY_PLATE_MAX, PLATES_PER_CALL } from '../../src/schema/plate-lists.ts';

/** Largest file imported (bytes): about a million rows of plate, label and two times. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;
/** Most rows of one file. */
export const MAX_CSV_ROWS = 1_000_000;

export const CSV_COLUMNS = ['plate', 'label', 'validFrom', 'validTo'] as const;

export interface CsvEntry {
  /** 1-based line of the file the row starts on. */
  line: number;
  plate: string;
  label?: string;
  validFrom?: string;
  validTo?: string;
}

export interface CsvProblem {
  /** 1-based line (the header is line 1). */
  line: number;
  message: string;
}

export interface ParsedCsv {
  entries: CsvEntry[];
  problems: CsvProblem[];
  /** Data rows read (valid or not). */
  rows: number;
  /** A problem that stops the whole file (no header, unknown column, broken quoting, too many rows). */
  fatal: CsvProblem | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 time as the API's DateTime takes it, or null when it is not one. */
export function isoTime(text: string): string | null {
  if (!ISO.test(text)) return null;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function parsePlateCsv(text: string): ParsedCsv {
  const out: ParsedCsv = { entries: [], problems: [], rows: 0, fatal: null };
  let records: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    records = parse(text, { bom: true, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    out.fatal = { line: e.lines ?? 0, message: `not valid CSV: ${e.message ?? String(err)}` };
    return out;
  }
  if (!records.length) {
    out.fatal = { line: 1, message: 'empty file: expected a header row (plate,label,validFrom,validTo)' };
    return out;
  }
  const header = records[0].record.map((h) => h.trim());
  const index = new Map<string, number>();
  for (const [i, h] of header.entries()) {
    const col = CSV_COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase());
    if (!col) {
      out.fatal = { line: 1, message: `header: unknown column ${JSON.stringify(h.slice(0, 50))} (expected ${CSV_COLUMNS.join(', ')})` };
      return out;
    }
    if (index.has(col)) {
      out.fatal = { line: 1, message: `header: column ${col} appears twice` };
      return out;
    }
    index.set(col, i);
  }
  if (!index.has('plate')) {
    out.fatal = { line: 1, message: 'header: the plate column is required' };
    return out;
  }
  if (records.length - 1 > MAX_CSV_ROWS) {
    out.fatal = { line: 1, message: `${records.length - 1} rows: at most ${MAX_CSV_ROWS} per file (split it)` };
    return out;
  }

  for (const { record, info, raw } of records.slice(1)) {
    // info.lines is the line a record ends on; a quoted field may span lines (raw: skipped empty lines before, its line break after).
    const body = raw.replace(/^(?:\r\n|\n|\r)+/, '').replace(/(?:\r\n|\n|\r)$/, '');
    const line = info.lines - (body.match(/\r\n|\n|\r/g)?.length ?? 0);
    out.rows++;
    const bad = (message: string) => out.problems.push({ line, message });
    if (record.length !== header.length) {
      bad(`expected ${header.length} fields, got ${record.length}`);
      continue;
    }
    const cell = (c: (typeof CSV_COLUMNS)[number]) => {
      const i = index.get(c);
      const v = i === undefined ? '' : record[i];
      return v === '' ? undefined : v;
    };
    const plate = cell('plate') ?? '';
    if (plate.length > ENTRY_PLATE_INPUT_MAX) {
      bad(`plate: expected at most ${ENTRY_PLATE_INPUT_MAX} characters, got ${plate.length}`);
      continue;
    }
    const n = normalizePlate(plate).length;
    if (n < 1 || n > ENTRY_PLATE_MAX) {
      bad(`plate: expected 1..${ENTRY_PLATE_MAX} plate characters (separators ignored), got ${n}`);
      continue;
    }
    const entry: CsvEntry = { line, plate };
    const label = cell('label');
    if (label !== undefined) {
      if (label.length > ENTRY_LABEL_MAX) {
        bad(`label: expected at most ${ENTRY_LABEL_MAX} characters, got ${label.length}`);
        continue;
      }
      entry.label = label;
    }
    let timesOk = true;
    for (const c of ['validFrom', 'validTo'] as const) {
      const v = cell(c);
      if (v === undefined) continue;
      const t = isoTime(v);
      if (!t) {
        bad(`${c}: ${JSON.stringify(v.slice(0, 40))} is not an ISO-8601 time (e.g. 2025-06-01T08:00:00Z)`);
        timesOk = false;
        break;
      }
      entry[c] = t;
    }
    if (!timesOk) continue;
    if (entry.validFrom && entry.validTo && Date.parse(entry.validFrom) >= Date.parse(entry.validTo)) {
      bad('validFrom must be before validTo');
      continue;
    }
    out.entries.push(entry);
  }
  return out;
}

/**
 * The entries in addPlates calls: at most PLATES_PER_CALL each, and fewer when the call's JSON would
 * pass `maxBytes` (the server's limits.maxBodyBytes, 1 MB by default).
 */
export function chunkEntries(entries: readonly CsvEntry[], maxBytes: number, maxCount = PLATES_PER_CALL): CsvEntry[][] {
  const chunks: CsvEntry[][] = [];
  let cur: CsvEntry[] = [];
  let bytes = 0;
  const overhead = 512; // the query text and the rest of the request
  for (const e of entries) {
    const size = Buffer.byteLength(JSON.stringify(apiEntry(e))) + 1;
    if (cur.length && (cur.length >= maxCount || bytes + size + overhead > maxBytes)) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** The PlateListEntryInput of an entry. */
export function apiEntry(e: CsvEntry): { plate: string; label?: string; validFrom?: string; validTo?: string } {
  const { line: _line, ...input } = e;
  return input;
}
