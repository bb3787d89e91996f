import type { ModelStreamPart } from '../providers/model-client.js';
import { otidOf, type LettaMessageType, type LettaMessageWire } from '../serializers/letta-message.js';

/**
 * Turns a model's token deltas into Letta message chunks. Every chunk of one model call carries
 * the id its assistant message will be stored under; the otid tells its parts apart.
 */
export class TokenChunker {
  private readonly partIndex = new Map<string, number>();
  private readonly toolCallIds = new Map<number, string>();
  private readonly awaiting = new Set<number>();

  constructor(private readonly runId: string) {}

  /** `awaitsClient`: tools whose calls wait for the client, streamed as approval requests. */
  chunk(part: ModelStreamPart, messageId: string, awaitsClient: ReadonlySet<string> = new Set()): LettaMessageWire | undefined {
    switch (part.type) {
      case 'reasoning-delta':
        return this.base(messageId, 'reasoning_message', 'reasoning', { source: 'reasoner_model', reasoning: part.delta, signature: null });
      case 'reasoning-end':
        return part.signature ? this.base(messageId, 'reasoning_message', 'reasoning', { source: 'reasoner_model', reasoning: '', signature: part.signature }) : undefined;
      case 'text-delta':
        return this.base(messageId, 'assistant_message', 'text', { content: part.delta });
      case 'tool-call-start': {
        this.toolCallIds.set(part.index, part.id);
        if (awaitsClient.has(part.name)) this.awaiting.add(part.index);
        const call = { name: part.name, arguments: '', tool_call_id: part.id };
        return this.callChunk(messageId, part.index, call);
      }
      case 'tool-call-delta': {
        const call = { name: null, arguments: part.argumentsDelta, tool_call_id: this.toolCallIds.get(part.index) ?? part.id };
        return this.callChunk(messageId, part.index, call);
      }
      default:
        return undefined;
    }
  }

  private callChunk(messageId: string, index: number, call: Record<string, unknown>): LettaMessageWire {
    const fields = { tool_call: call, tool_calls: call };
    return this.awaiting.has(index) ? this.base(messageId, 'approval_request_message', 'approval', fields) : this.base(messageId, 'tool_call_message', 'tools', fields);
  }

  private base(messageId: string, messageType: LettaMessageType, kind: string, fields: Record<string, unknown>): LettaMessageWire {
    const key = `${messageId}:${kind}`;
    if (!this.partIndex.has(key)) this.partIndex.set(key, [...this.partIndex.keys()].filter((k) => k.startsWith(`${messageId}:`)).length);
    return {
      id: messageId,
      date: new Date().toISOString().replace(/Z$/, '+00:00'),
      name: null,
      message_type: messageType,
      otid: otidOf(messageId, this.partIndex.get(key)!),
      sender_id: null,
      step_id: null,
      is_err: null,
      seq_id: null,
      run_id: this.runId,
      ...fields,
    };
  }
}
