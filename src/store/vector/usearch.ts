import { createRequire } from 'node:module';
import type * as Usearch from 'usearch';

/**
 * The `usearch` native module (SIMD exact search). Loaded through its CommonJS entry: its ESM entry
 * cannot locate the prebuilt binary shipped in the package (it recurses until the stack overflows).
 */
export const usearch = createRequire(import.meta.url)('usearch') as typeof Usearch;
