export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Throws unless every component is a finite number (NaN would poison every comparison). */
export function assertFinite(vector: Float32Array): void {
  for (let index = 0; index < vector.length; index++) {
    if (!Number.isFinite(vector[index]!)) throw new RangeError(`A vector component is not a finite number (index ${index}: ${vector[index]})`);
  }
}

/** float32 little-endian bytes (a copy), as SQLite's `passages.embedding` BLOB holds them. */
export function vectorToBytes(vector: Float32Array): Uint8Array {
  assertFinite(vector);
  const bytes = new Uint8Array(vector.byteLength);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  } else {
    const view = new DataView(bytes.buffer);
    for (let index = 0; index < vector.length; index++) view.setFloat32(index * 4, vector[index]!, true);
  }
  return bytes;
}

export function vectorFromBytes(value: unknown): Float32Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`Expected a BLOB of float32 values, got ${typeof value}`);
  if (value.byteLength % 4 !== 0) throw new RangeError(`A BLOB of float32 values has ${value.byteLength} bytes, not a multiple of 4`);
  const vector = new Float32Array(value.byteLength / 4);
  if (LITTLE_ENDIAN) {
    // Copy through bytes: the driver's buffer need not be 4-byte aligned.
    new Uint8Array(vector.buffer).set(value);
  } else {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    for (let index = 0; index < vector.length; index++) vector[index] = view.getFloat32(index * 4, true);
  }
  return vector;
}

/** pgvector's text form, `[0.1,0.2,...]`; float32 values print exactly as JavaScript numbers. */
export function vectorToText(vector: Float32Array): string {
  assertFinite(vector);
  return `[${Array.prototype.join.call(vector, ',')}]`;
}

export function vectorFromText(value: unknown): Float32Array {
  if (Array.isArray(value)) return Float32Array.from(value as number[]);
  if (typeof value !== 'string') throw new TypeError(`Expected pgvector text, got ${typeof value}`);
  const body = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  if (!body) return new Float32Array(0);
  return Float32Array.from(body.split(','), Number);
}

/** Scales `vectors[offset, offset + dimension)` to unit length in place (a zero vector stays zero). */
export function normalizeInPlace(vectors: Float32Array, offset: number, dimension: number): void {
  let norm = 0;
  const end = offset + dimension;
  for (let index = offset; index < end; index++) norm += vectors[index]! * vectors[index]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = offset; index < end; index++) vectors[index]! *= scale;
}
