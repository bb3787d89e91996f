const formats = new Map<string, Intl.DateTimeFormat>();

/** An `Intl.DateTimeFormat` for a timezone and style, built once (building one costs ~0.1 ms). */
export function dateTimeFormat(timezone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timezone}\u0000${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: timezone });
    formats.set(key, format);
  }
  return format;
}
