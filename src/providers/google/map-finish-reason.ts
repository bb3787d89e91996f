import type { FinishReason } from '../model-client.js';

/** Gemini says STOP for a turn that ends in function calls too; the caller knows whether it made any. */
export function mapGeminiFinishReason(raw: string | null | undefined, madeToolCalls: boolean): FinishReason {
  switch (raw) {
    case 'STOP':
      return { unified: madeToolCalls ? 'tool-calls' : 'stop', raw };
    case 'MAX_TOKENS':
      return { unified: 'length', raw };
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
      return { unified: 'content-filter', raw };
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return { unified: 'error', raw };
    default:
      return { unified: 'other', raw: raw ?? null };
  }
}
