export const DEFAULT_BLOCK_LIMIT = 100_000;

export interface Block {
  id: string;
  label: string;
  value: string;
  limit: number;
  description: string | null;
  readOnly: boolean;
  hidden: boolean | null;
  preserveOnMigration: boolean | null;
  metadata: Record<string, unknown> | null;
  tags: string[] | null;
  templateName: string | null;
  isTemplate: boolean;
  templateId: string | null;
  baseTemplateId: string | null;
  deploymentId: string | null;
  entityId: string | null;
  projectId: string | null;
  createdById: string | null;
  lastUpdatedById: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields a client sets when creating a block. */
export type BlockInput = Pick<Block, 'label' | 'value'> &
  Partial<Omit<Block, 'id' | 'label' | 'value' | 'createdAt' | 'updatedAt' | 'createdById' | 'lastUpdatedById'>>;

export type BlockPatch = Partial<Omit<Block, 'id' | 'createdAt' | 'updatedAt' | 'createdById' | 'lastUpdatedById'>>;
