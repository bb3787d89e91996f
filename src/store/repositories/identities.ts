import type { Identity, IdentityProperty, IdentityType } from '../../domain/identity.js';
import type { PageRequest } from '../../domain/pagination.js';
import { NotFoundError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StoreDialect } from '../dialects/dialect.js';
import { decodeJson, encodeJson, now } from '../json.js';
import { countRows, paginate } from '../pagination.js';
import type { Executor } from '../store.js';
import type { IdentityRow } from '../tables.js';

export interface IdentityFields {
  identifierKey: string;
  name: string;
  identityType: IdentityType;
  projectId: string | null;
  properties: IdentityProperty[];
}

export interface IdentityListFilter {
  name?: string | null;
  projectId?: string | null;
  identifierKey?: string | null;
  identityType?: IdentityType | null;
}

export function toIdentity(row: IdentityRow, agentIds: string[], blockIds: string[]): Identity {
  return {
    id: row.id,
    identifierKey: row.identifier_key,
    name: row.name,
    identityType: row.identity_type as IdentityType,
    projectId: row.project_id,
    properties: decodeJson<IdentityProperty[]>(row.properties),
    agentIds,
    blockIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class IdentityRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: StoreDialect,
  ) {}

  async create(fields: IdentityFields): Promise<IdentityRow> {
    const at = now();
    return this.db
      .insertInto('identities')
      .values({
        id: newId('identity'),
        identifier_key: fields.identifierKey,
        name: fields.name,
        identity_type: fields.identityType,
        project_id: fields.projectId,
        properties: encodeJson(fields.properties),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async update(id: string, fields: Partial<IdentityFields>): Promise<void> {
    const result = await this.db
      .updateTable('identities')
      .set({
        ...(fields.identifierKey !== undefined ? { identifier_key: fields.identifierKey } : {}),
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.identityType !== undefined ? { identity_type: fields.identityType } : {}),
        ...(fields.projectId !== undefined ? { project_id: fields.projectId } : {}),
        ...(fields.properties !== undefined ? { properties: encodeJson(fields.properties) } : {}),
        updated_at: now(),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError('identity', id);
  }

  async get(id: string): Promise<Identity> {
    const row = await this.db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('identity', id);
    return (await this.hydrate([row]))[0]!;
  }

  async findIdByKey(identifierKey: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('identities').select('id').where('identifier_key', '=', identifierKey).executeTakeFirst();
    return row?.id;
  }

  async delete(id: string): Promise<void> {
    const result = await this.db.deleteFrom('identities').where('id', '=', id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('identity', id);
  }

  async list(filter: IdentityListFilter, page: PageRequest): Promise<Identity[]> {
    return this.hydrate(await paginate(this.db, 'identities', this.filtered(filter), page));
  }

  countMatching(filter: IdentityListFilter): Promise<number> {
    return countRows(this.filtered(filter));
  }

  private filtered(filter: IdentityListFilter) {
    let query = this.db.selectFrom('identities').selectAll('identities');
    if (filter.name) query = query.where((eb) => this.dialect.containsIgnoringCase(eb.ref('identities.name'), filter.name!));
    if (filter.projectId) query = query.where('identities.project_id', '=', filter.projectId);
    if (filter.identifierKey) query = query.where('identities.identifier_key', '=', filter.identifierKey);
    if (filter.identityType) query = query.where('identities.identity_type', '=', filter.identityType);
    return query;
  }

  /** Replaces the agents an identity is attached to. */
  async setAgents(identityId: string, agentIds: string[]): Promise<void> {
    await this.db.deleteFrom('identity_agents').where('identity_id', '=', identityId).execute();
    const unique = [...new Set(agentIds)];
    if (unique.length) await this.db.insertInto('identity_agents').values(unique.map((agentId) => ({ identity_id: identityId, agent_id: agentId }))).execute();
  }

  /** Replaces the blocks an identity is attached to. */
  async setBlocks(identityId: string, blockIds: string[]): Promise<void> {
    await this.db.deleteFrom('identity_blocks').where('identity_id', '=', identityId).execute();
    const unique = [...new Set(blockIds)];
    if (unique.length) await this.db.insertInto('identity_blocks').values(unique.map((blockId) => ({ identity_id: identityId, block_id: blockId }))).execute();
  }

  async attachBlock(identityId: string, blockId: string): Promise<void> {
    await this.db
      .insertInto('identity_blocks')
      .values({ identity_id: identityId, block_id: blockId })
      .onConflict((oc) => oc.columns(['identity_id', 'block_id']).doNothing())
      .execute();
  }

  async detachBlock(identityId: string, blockId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('identity_blocks')
      .where('identity_id', '=', identityId)
      .where('block_id', '=', blockId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Loads identities with their agent and block ids in three queries. */
  async hydrate(rows: IdentityRow[]): Promise<Identity[]> {
    if (!rows.length) return [];
    const ids = rows.map((row) => row.id);
    const [agents, blocks] = await Promise.all([
      this.db.selectFrom('identity_agents').selectAll().where('identity_id', 'in', ids).orderBy('agent_id').execute(),
      this.db.selectFrom('identity_blocks').selectAll().where('identity_id', 'in', ids).orderBy('block_id').execute(),
    ]);
    return rows.map((row) =>
      toIdentity(
        row,
        agents.filter((link) => link.identity_id === row.id).map((link) => link.agent_id),
        blocks.filter((link) => link.identity_id === row.id).map((link) => link.block_id),
      ),
    );
  }

  /** The identities of each agent. */
  async ofAgents(agentIds: string[]): Promise<Map<string, Identity[]>> {
    const result = new Map<string, Identity[]>();
    if (!agentIds.length) return result;
    const links = await this.db.selectFrom('identity_agents').selectAll().where('agent_id', 'in', agentIds).execute();
    if (!links.length) return result;
    const rows = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('id', 'in', [...new Set(links.map((link) => link.identity_id))])
      .orderBy('created_at')
      .execute();
    const byId = new Map((await this.hydrate(rows)).map((identity) => [identity.id, identity]));
    for (const link of links) {
      const identity = byId.get(link.identity_id);
      if (!identity) continue;
      const list = result.get(link.agent_id) ?? [];
      list.push(identity);
      result.set(link.agent_id, list);
    }
    return result;
  }

  async findRowsByIds(ids: string[]): Promise<IdentityRow[]> {
    if (!ids.length) return [];
    return this.db.selectFrom('identities').selectAll().where('id', 'in', ids).execute();
  }

  async attachAgent(identityId: string, agentId: string): Promise<void> {
    await this.db
      .insertInto('identity_agents')
      .values({ identity_id: identityId, agent_id: agentId })
      .onConflict((oc) => oc.columns(['identity_id', 'agent_id']).doNothing())
      .execute();
  }

  async detachAgent(identityId: string, agentId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('identity_agents')
      .where('identity_id', '=', identityId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setAgentIdentities(agentId: string, identityIds: string[]): Promise<void> {
    await this.db.deleteFrom('identity_agents').where('agent_id', '=', agentId).execute();
    const unique = [...new Set(identityIds)];
    if (unique.length) {
      await this.db.insertInto('identity_agents').values(unique.map((identityId) => ({ identity_id: identityId, agent_id: agentId }))).execute();
    }
  }
}
