/** JSON columns are text on both dialects; these are the only encode/decode points. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value);
}

export function encodeJsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function decodeJson<T>(text: string): T;
export function decodeJson<T>(text: string | null): T | null;
export function decodeJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function flag(value: boolean): number;
export function flag(value: boolean | null | undefined): number | null;
export function flag(value: boolean | null | undefined): number | null {
  return value === undefined || value === null ? null : value ? 1 : 0;
}

export function fromFlag(value: number): boolean;
export function fromFlag(value: number | null): boolean | null;
export function fromFlag(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

export function now(): string {
  return new Date().toISOString();
}
