import { describe, expect, it } from 'vitest';
import { boundInTimezone, isoInTimezone } from './local-time.js';

describe('boundInTimezone', () => {
  it('reads a bare date as the whole day in the timezone', () => {
    expect(boundInTimezone('2026-03-10', 'America/New_York', false)).toBe('2026-03-10T04:00:00.000Z');
    expect(boundInTimezone('2026-03-10', 'America/New_York', true)).toBe('2026-03-11T03:59:59.999Z');
    expect(boundInTimezone('2026-01-05', 'UTC', true)).toBe('2026-01-05T23:59:59.999Z');
  });

  it('reads a time without offset in the timezone, across a DST change', () => {
    expect(boundInTimezone('2026-07-01T09:30', 'Europe/Oslo', false)).toBe('2026-07-01T07:30:00.000Z');
    expect(boundInTimezone('2026-01-01 09:30:15.5', 'Europe/Oslo', false)).toBe('2026-01-01T08:30:15.500Z');
    // 2026-03-08 is the US spring-forward day: midnight is still EST (UTC-5), the day ends in EDT.
    expect(boundInTimezone('2026-03-08', 'America/New_York', false)).toBe('2026-03-08T05:00:00.000Z');
    expect(boundInTimezone('2026-03-08', 'America/New_York', true)).toBe('2026-03-09T03:59:59.999Z');
  });

  it('takes explicit offsets as given, and refuses nonsense', () => {
    expect(boundInTimezone('2026-07-01T09:30:00+02:00', 'America/New_York', false)).toBe('2026-07-01T07:30:00.000Z');
    expect(boundInTimezone('2026-07-01T09:30:00Z', 'Asia/Tokyo', true)).toBe('2026-07-01T09:30:00.000Z');
    expect(boundInTimezone('last tuesday', 'UTC', false)).toBeUndefined();
  });
});

describe('isoInTimezone', () => {
  it('shows an instant as local time with its offset', () => {
    expect(isoInTimezone('2026-07-01T07:30:00.000Z', 'Europe/Oslo')).toBe('2026-07-01T09:30:00.000+02:00');
    expect(isoInTimezone('2026-01-01T03:00:00.000Z', 'America/New_York')).toBe('2025-12-31T22:00:00.000-05:00');
    expect(isoInTimezone('2026-01-01T03:00:00.000Z', 'UTC')).toBe('2026-01-01T03:00:00.000+00:00');
  });
});
