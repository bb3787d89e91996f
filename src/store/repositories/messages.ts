import type { Message, MessageRole, NewMessage } from '../../domain/message.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, encodeJsonOrNull, flag, fromFlag, now } from '../json.js';
import type { Executor } from '../store.js';
import type { MessageRow } from '../tables.js';
import { paginate } from '../pagination.js';
import type { PageRequest } from '../../domain/pagination.js';

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
    approvals: decodeJson(row.approvals),
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

/** The columns of an approval response as an imported agent file gives them (new messages carry `approvals`). */
export interface ImportedApproval {
  approve?: boolean | null;
  approvalRequestId?: string | null;
  denialReason?: string | null;
}

/** The row a new message is stored as. */
export function toMessageRow(message: NewMessage & ImportedApproval, at: string) {
  return {
    id: message.id ?? newId('message'),
    agent_id: message.agentId,
    conversation_id: message.conversationId,
    role: message.role,
    content: encodeJson(message.content),
    name: message.name ?? null,
    tool_calls: encodeJsonOrNull(message.toolCalls),
    tool_call_id: message.toolCallId ?? null,
    tool_returns: encodeJsonOrNull(message.toolReturns),
    approvals: encodeJsonOrNull(message.approvals),
    approve: flag(message.approve ?? null),
    approval_request_id: message.approvalRequestId ?? null,
    denial_reason: message.denialReason ?? null,
    step_id: message.stepId ?? null,
    run_id: message.runId ?? null,
    otid: message.otid ?? null,
    sender_id: message.senderId ?? null,
    group_id: message.groupId ?? null,
    batch_item_id: null,
    is_err: flag(message.isErr ?? null),
    model: message.model ?? null,
    created_at: message.createdAt ?? at,
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
        messages.map((message) => toMessageRow(message, at)),
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

  async deleteConversationExcept(conversationId: string, keepIds: string[]): Promise<void> {
    let query = this.db.deleteFrom('messages').where('conversation_id', '=', conversationId);
    if (keepIds.length) query = query.where('id', 'not in', keepIds);
    await query.execute();
  }

  async setContent(id: string, content: Message['content']): Promise<void> {
    await this.db.updateTable('messages').set({ content: encodeJson(content) }).where('id', '=', id).execute();
  }

  /** Messages of a conversation in store order; `ids` keeps the given order. */
  async inOrder(ids: string[]): Promise<Message[]> {
    const messages = await this.findMany(ids);
    const byId = new Map(messages.map((message) => [message.id, message]));
    return ids.map((id) => byId.get(id)).filter((message): message is Message => Boolean(message));
  }

  /**
   * A conversation's context window in order. Normally the window is the system message plus a
   * run of recent messages, so they are read by seq range, from the second message's, with fixed SQL
   * (an `id in (...)` of a changing length is a new statement to prepare every step); anything else
   * falls back to ids.
   */
  async contextWindow(conversationId: string, ids: string[]): Promise<Message[]> {
    if (ids.length < 3) return this.inOrder(ids);
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('id', '=', ids[0]!),
          eb.and([eb('conversation_id', '=', conversationId), eb('seq', '>=', eb.selectFrom('messages').select('seq').where('id', '=', ids[1]!))]),
        ]),
      )
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    if (ids.some((id) => !byId.has(id))) return this.inOrder(ids);
    return ids.map((id) => toMessage(byId.get(id)!));
  }

  async list(filter: { agentId: string; conversationId?: string; runId?: string; roles?: string[] }, page: { before?: string | null; after?: string | null; limit: number; order: 'asc' | 'desc' }): Promise<Message[]> {
    let query = this.db.selectFrom('messages').selectAll().where('agent_id', '=', filter.agentId);
    if (filter.conversationId) query = query.where('conversation_id', '=', filter.conversationId);
    if (filter.runId) query = query.where('run_id', '=', filter.runId);
    if (filter.roles?.length) query = query.where('role', 'in', filter.roles);
    const cursorSeq = async (name: string, id: string) => {
      const row = await this.db.selectFrom('messages').select('seq').where('id', '=', id).executeTakeFirst();
      if (!row) throw new BadRequestError(`${name}: no message with id ${id}`);
      return row.seq;
    };
    const ascending = page.order === 'asc';
    if (page.after) query = query.where('seq', ascending ? '>' : '<', await cursorSeq('after', page.after));
    if (page.before) query = query.where('seq', ascending ? '<' : '>', await cursorSeq('before', page.before));
    const backwards = Boolean(page.before) && !page.after;
    const rows = await query.orderBy('seq', ascending !== backwards ? 'asc' : 'desc').limit(page.limit).execute();
    return (backwards ? rows.reverse() : rows).map(toMessage);
  }

  /** Messages of every agent in store order, optionally of one conversation (`GET /v1/messages`). */
  async listAcrossAgents(filter: { conversationId?: string | null }, page: PageRequest): Promise<Message[]> {
    let query = this.db.selectFrom('messages').selectAll('messages');
    if (filter.conversationId) query = query.where('messages.conversation_id', '=', filter.conversationId);
    return (await paginate(this.db, 'messages', query, page, 'seq')).map(toMessage);
  }

  /**
   * Messages of the given roles whose content holds every one of `texts` (any case), of one agent
   * or conversation or of all, newest first.
   */
  async search(query: { texts: string[]; roles: string[]; limit: number; agentId?: string | null; conversationId?: string | null; startDate?: string | null; endDate?: string | null }): Promise<Message[]> {
    let builder = this.db.selectFrom('messages').selectAll().where('role', 'in', query.roles);
    for (const text of query.texts) builder = builder.where((eb) => this.dialect.containsIgnoringCase(eb.ref('content'), text));
    if (query.agentId) builder = builder.where('agent_id', '=', query.agentId);
    if (query.conversationId) builder = builder.where('conversation_id', '=', query.conversationId);
    if (query.startDate) builder = builder.where('created_at', '>=', query.startDate);
    if (query.endDate) builder = builder.where('created_at', '<=', query.endDate);
    return (await builder.orderBy('seq', 'desc').limit(query.limit).execute()).map(toMessage);
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
