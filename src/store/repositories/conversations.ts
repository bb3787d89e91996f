import type { Conversation, ConversationFields } from '../../domain/conversation.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, encodeJsonOrNull, now } from '../json.js';
import { paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { Database } from '../tables.js';
import type { Selectable } from 'kysely';

type ConversationRow = Selectable<Database['conversations']>;

function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    agentId: row.agent_id,
    isDefault: row.is_default === 1,
    description: row.description,
    summary: row.summary,
    archived: row.archived === 1,
    archivedAt: row.archived_at,
    hidden: row.hidden === 1,
    model: row.model,
    modelSettings: decodeJson<Record<string, unknown> | null>(row.model_settings),
    contextWindowLimit: row.context_window_limit,
    inContextMessageIds: decodeJson<string[]>(row.in_context_message_ids),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ConversationListFilter {
  agentId?: string | null;
  archiveStatus?: 'unarchived' | 'archived' | 'all';
  summarySearch?: string | null;
}

/** An agent's conversations besides what the agent repository does for the default one. */
export class ConversationRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async create(agentId: string, fields: ConversationFields): Promise<Conversation> {
    const at = now();
    const row = await this.db
      .insertInto('conversations')
      .values({
        id: newId('conv'),
        agent_id: agentId,
        is_default: 0,
        description: fields.description ?? null,
        summary: fields.summary ?? null,
        archived: 0,
        archived_at: null,
        hidden: fields.hidden ? 1 : 0,
        model: fields.model ?? null,
        model_settings: encodeJsonOrNull(fields.modelSettings ?? null),
        context_window_limit: fields.contextWindowLimit ?? null,
        in_context_message_ids: encodeJson([]),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConversation(row);
  }

  async get(id: string): Promise<Conversation> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('conversation', id);
    return toConversation(row);
  }

  /** An agent's conversations (its default one is the agent's own messages, and not listed). */
  async list(filter: ConversationListFilter, page: PageRequest): Promise<Conversation[]> {
    let query = this.db.selectFrom('conversations').selectAll().where('is_default', '=', 0);
    if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
    if (filter.archiveStatus !== 'all') query = query.where('archived', '=', filter.archiveStatus === 'archived' ? 1 : 0);
    if (filter.summarySearch) {
      const needle = filter.summarySearch;
      query = query.where((eb) => this.dialect.containsIgnoringCase(eb.ref('summary'), needle));
    }
    return (await paginate(this.db, 'conversations', query, page)).map(toConversation);
  }

  async update(id: string, patch: ConversationFields & { archived?: boolean }): Promise<Conversation> {
    const at = now();
    const row = await this.db
      .updateTable('conversations')
      .set({
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
        ...(patch.model !== undefined ? { model: patch.model } : {}),
        ...(patch.modelSettings !== undefined ? { model_settings: encodeJsonOrNull(patch.modelSettings) } : {}),
        ...(patch.contextWindowLimit !== undefined ? { context_window_limit: patch.contextWindowLimit } : {}),
        ...(patch.archived !== undefined ? { archived: patch.archived ? 1 : 0, archived_at: patch.archived ? at : null } : {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('conversation', id);
    return toConversation(row);
  }

  /**
   * Sets a conversation's in-context message ids if they are still `expected` (a compare-and-set);
   * false when something else changed them since.
   */
  async replaceInContextIds(id: string, expected: string[], next: string[]): Promise<boolean> {
    const result = await this.db
      .updateTable('conversations')
      .set({ in_context_message_ids: encodeJson(next), updated_at: now() })
      .where('id', '=', id)
      .where('in_context_message_ids', '=', encodeJson(expected))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('conversations').where('id', '=', id).where('is_default', '=', 0).execute();
  }
}
