import type { Message, MessageRole, NewMessage } from '../../domain/message.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import type { Executor } from '../store.js';
import type { MessageRow } from '../tables.js';

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    seq: row.seq,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    role: row.role as MessageRole,
    content: decodeJson(row.content) ?? [],
    name: row.name,
    toolCalls: decodeJson(row.tool_calls),
    toolCallId: row.tool_call_id,
    toolReturns: decodeJson(row.tool_returns),
    stepId: row.step_id,
    runId: row.run_id,
    otid: row.otid,
    senderId: row.sender_id,
    groupId: row.group_id,
    isErr: fromFlag(row.is_err),
    model: row.model,
    createdAt: row.created_at,
  };
}

export class MessageRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  /** Inserts in order; the store-wide `seq` keeps that order. */
  async insertMany(messages: NewMessage[]): Promise<Message[]> {
    if (!messages.length) return [];
    const at = now();
    const rows = await this.db
      .insertInto('messages')
      .values(
        messages.map((message) => ({
          id: message.id ?? newId('message'),
          agent_id: message.agentId,
          conversation_id: message.conversationId,
          role: message.role,
          content: encodeJson(message.content),
          name: message.name ?? null,
          tool_calls: encodeJsonOrNull(message.toolCalls),
          tool_call_id: message.toolCallId ?? null,
          tool_returns: encodeJsonOrNull(message.toolReturns),
          approvals: null,
          approve: null,
          approval_request_id: null,
          denial_reason: null,
          step_id: message.stepId ?? null,
          run_id: message.runId ?? null,
          otid: message.otid ?? null,
          sender_id: message.senderId ?? null,
          group_id: message.groupId ?? null,
          batch_item_id: null,
          is_err: flag(message.isErr ?? null),
          model: message.model ?? null,
          created_at: message.createdAt ?? at,
        })),
      )
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.seq - b.seq).map(toMessage);
  }

  async get(id: string): Promise<Message> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('message', id);
    return toMessage(row);
  }

  async findMany(ids: string[]): Promise<Message[]> {
    if (!ids.length) return [];
    const rows = await this.db.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
    return rows.map(toMessage);
  }

  async setContent(id: string, content: Message['content']): Promise<void> {
    await this.db.updateTable('messages').set({ content: encodeJson(content) }).where('id', '=', id).execute();
  }

  async countForAgent(agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('agent_id', '=', agentId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
