/**
 * VXG times: `YYYY-MM-DDTHH:MM:SS` with no zone, read as UTC (as the official web client does by
 * appending `Z`). We send whole seconds, since fractional seconds are not documented. Pure.
 */

/** Format a Date for VXG: UTC, whole seconds (truncated), no zone. */
export function formatVxgTime(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new Error('invalid date');
  return d.toISOString().slice(0, 19);
}

/** Read a VXG time (zone-less = UTC; a zone or fractional seconds are accepted too); null if invalid. */
export function parseVxgTime(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ? m[3].slice(0, 4) : '';
  const zone = m[4] ? (m[4] === 'Z' ? 'Z' : m[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const d = new Date(`${m[1]}T${m[2]}${frac}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Whole seconds (floor) of a Date, as a new Date. */
export const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
