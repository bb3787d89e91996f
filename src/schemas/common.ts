import { z } from 'zod';
import { idPattern, type IdPrefix } from '../ids.js';

/** An id with the given prefix, e.g. `agent-<uuid4>`. */
export function idSchema(prefix: IdPrefix) {
  return z.string().regex(idPattern(prefix), { error: `must be an id of the form ${prefix}-<uuid4>` });
}

/** Query values arrive as a string when given once and as an array when repeated. */
export function queryArray<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(item));
}

export const queryBoolean = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });

export const orderSchema = z.enum(['asc', 'desc']);

/** `before`, `after`, `limit` and `order`, as every list takes them. */
export function paginationQuery(defaultLimit: number, defaultOrder: 'asc' | 'desc', maxLimit = 1000) {
  return z.object({
    before: z.string().max(200).nullish(),
    after: z.string().max(200).nullish(),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    order: orderSchema.default(defaultOrder),
  });
}

export const metadataSchema = z.record(z.string(), z.unknown());

export const emptyObjectResponse = z.object({}).loose();
