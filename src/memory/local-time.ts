import { ValidationError } from '../errors.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC (ms) at an instant. */
function zoneOffsetAt(epochMs: number, timezone: string): number {
  let format = offsetFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    offsetFormats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The instant a wall-clock time in `timezone` names (fields as for Date.UTC). */
function fromZonedFields(fields: number[], timezone: string): number {
  const guess = Date.UTC(fields[0]!, fields[1]! - 1, fields[2]!, fields[3] ?? 0, fields[4] ?? 0, fields[5] ?? 0, fields[6] ?? 0);
  const first = guess - zoneOffsetAt(guess, timezone);
  // Across a DST change the offset at the result can differ from the offset at the guess.
  return guess - zoneOffsetAt(first, timezone);
}

/**
 * A date filter bound as an ISO UTC timestamp. A bare date is that whole day in the agent's
 * timezone (its start, or its last millisecond for an end bound); a time without an offset is read in
 * the agent's timezone; a time with `Z` or an offset is taken as is. Returns undefined if unreadable.
 */
export function boundInTimezone(input: string, timezone: string, end: boolean): string | undefined {
  const text = input.trim();
  const date = DATE_ONLY.exec(text);
  if (date) {
    const [year, month, day] = date.slice(1).map(Number) as [number, number, number];
    const start = fromZonedFields([year, month, day], timezone);
    const instant = end ? fromZonedFields([year, month, day + 1], timezone) - 1 : start;
    return new Date(instant).toISOString();
  }
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const fields = local.slice(1).map((value, index) => (index === 6 ? Number((value ?? '0').padEnd(3, '0')) : Number(value ?? 0)));
    return new Date(fromZonedFields(fields, timezone)).toISOString();
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** An instant as ISO 8601 local time in `timezone`, with its offset (`2026-01-02T10:04:05.678+07:00`). */
export function isoInTimezone(iso: string, timezone: string): string {
  const epochMs = Date.parse(iso);
  const offsetMinutes = Math.round(zoneOffsetAt(epochMs, timezone) / 60_000);
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}

/** A date filter's bound (see `boundInTimezone`), null when not given; unreadable input is a 422 naming `field`. */
export function dateFilterBound(value: string | null | undefined, timezone: string, field: string, end: boolean): string | null {
  if (!value) return null;
  const bound = boundInTimezone(value, timezone, end);
  if (!bound) throw ValidationError.field(field, `"${value}" is not a date or time (use ISO 8601, e.g. 2026-05-01 or 2026-05-01T09:00)`);
  return bound;
}
