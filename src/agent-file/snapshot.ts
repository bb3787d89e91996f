import type { AgentRecord, AgentTool } from '../domain/agent.js';
import type { Block } from '../domain/block.js';
import type { FileFields, FileView, Folder } from '../domain/folder.js';
import type { Message } from '../domain/message.js';

/** A stored message with the approval columns Letta's MessageSchema carries. */
export interface ExportedMessage extends Message {
  approve: boolean | null;
  approvalRequestId: string | null;
  denialReason: string | null;
}

export type SnapshotFolder = Pick<Folder, 'id' | 'name' | 'description' | 'instructions' | 'metadata' | 'embeddingConfig'>;

/** A file with its text. */
export type SnapshotFile = FileFields & { id: string };

/** An agent's view of one file. */
export type SnapshotFileAgent = Pick<FileView, 'fileId' | 'folderId' | 'isOpen' | 'visibleContent' | 'startLine' | 'endLine' | 'lastAccessedAt'>;

/** Everything an agent file holds about one agent, as read from the store. */
export interface AgentSnapshot {
  agent: AgentRecord;
  /** In attach order. */
  blocks: Block[];
  /** In attach order. */
  tools: AgentTool[];
  tags: string[];
  secretKeys: string[];
  /** The exported conversation's messages in order, and its context window. */
  messages: ExportedMessage[];
  inContextMessageIds: string[];
  folders: SnapshotFolder[];
  files: SnapshotFile[];
  fileAgents: SnapshotFileAgent[];
}
