import { APIError } from '@letta-ai/letta-client';
import { expect } from 'vitest';

/** Awaits a client call that must fail with `status`, and returns the error body for more checks. */
export async function expectApiError(call: Promise<unknown>, status: number, detail?: RegExp | string): Promise<Record<string, any>> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected the call to fail with ${status}`).toBeInstanceOf(APIError);
  const apiError = error as APIError;
  expect(apiError.status, JSON.stringify(apiError.error)).toBe(status);
  const body = apiError.error as Record<string, any>;
  if (detail !== undefined) {
    const text = typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
    if (typeof detail === 'string') expect(text).toContain(detail);
    else expect(text).toMatch(detail);
  }
  return body;
}
