import { MnemoError } from '../errors.js';

/** Letta's names for model failures; each maps to an HTTP status and a stop reason. */
export type ProviderErrorType =
  | 'llm_rate_limit'
  | 'llm_timeout'
  | 'llm_authentication'
  | 'llm_bad_request'
  | 'llm_context_window_exceeded'
  | 'llm_empty_response'
  | 'llm_invalid_response'
  | 'llm_error';

const STATUS_OF: Record<ProviderErrorType, number> = {
  llm_rate_limit: 429,
  llm_timeout: 504,
  llm_authentication: 401,
  llm_bad_request: 400,
  llm_context_window_exceeded: 400,
  llm_empty_response: 502,
  llm_invalid_response: 502,
  llm_error: 500,
};

/** A model provider call that failed; the provider's own message is kept. */
export class ProviderError extends MnemoError {
  constructor(
    readonly provider: string,
    readonly type: ProviderErrorType,
    message: string,
    readonly providerStatus: number | null,
    readonly retryable: boolean,
    readonly body?: unknown,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, type, STATUS_OF[type], { provider, provider_status: providerStatus }, options);
  }
}

const CONTEXT_OVERFLOW = /(context[_ ]length|context window|maximum context|too many tokens|prompt is too long|max_tokens.*exceed|input is too long|input token count .* exceeds)/i;

/** Classifies a provider's HTTP failure the same way for every adapter. */
export function providerErrorFromStatus(provider: string, status: number | null, message: string, body?: unknown, cause?: unknown): ProviderError {
  let type: ProviderErrorType = 'llm_error';
  if (status === 429) type = 'llm_rate_limit';
  else if (status === 401 || status === 403) type = 'llm_authentication';
  else if (status === 408 || status === 504) type = 'llm_timeout';
  else if (status !== null && status >= 400 && status < 500) type = CONTEXT_OVERFLOW.test(message) ? 'llm_context_window_exceeded' : 'llm_bad_request';
  const retryable = status === null || status === 408 || status === 409 || status === 429 || status >= 500;
  return new ProviderError(provider, type, message, status, retryable, body, { cause });
}
