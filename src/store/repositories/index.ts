import type { StoreDialect } from '../dialects/dialect.js';
import type { Executor } from '../store.js';
import { AgentFileRepository } from './agent-files.js';
import { AgentRepository } from './agents.js';
import { ArchiveRepository } from './archives.js';
import { BlockRepository } from './blocks.js';
import { ConversationRepository } from './conversations.js';
import { FileRepository } from './files.js';
import { FileViewRepository } from './file-views.js';
import { FolderRepository } from './folders.js';
import { IdentityRepository } from './identities.js';
import { MessageRepository } from './messages.js';
import { PassageRepository } from './passages.js';
import { RunEventRepository } from './run-events.js';
import { RunRepository } from './runs.js';
import { ScheduleRepository } from './schedules.js';
import { StepRepository } from './steps.js';
import { ToolRepository } from './tools.js';

/** Every repository, bound to one executor (the database or a transaction). */
export interface Repositories {
  agents: AgentRepository;
  blocks: BlockRepository;
  tools: ToolRepository;
  identities: IdentityRepository;
  messages: MessageRepository;
  runs: RunRepository;
  runEvents: RunEventRepository;
  steps: StepRepository;
  archives: ArchiveRepository;
  passages: PassageRepository;
  schedules: ScheduleRepository;
  conversations: ConversationRepository;
  agentFiles: AgentFileRepository;
  folders: FolderRepository;
  files: FileRepository;
  fileViews: FileViewRepository;
}

export function createRepositories(db: Executor, dialect: StoreDialect): Repositories {
  return {
    agents: new AgentRepository(db, dialect),
    blocks: new BlockRepository(db, dialect),
    tools: new ToolRepository(db, dialect),
    identities: new IdentityRepository(db, dialect),
    messages: new MessageRepository(db, dialect),
    runs: new RunRepository(db, dialect),
    runEvents: new RunEventRepository(db, dialect),
    steps: new StepRepository(db, dialect),
    archives: new ArchiveRepository(db, dialect),
    passages: new PassageRepository(db, dialect),
    schedules: new ScheduleRepository(db, dialect),
    conversations: new ConversationRepository(db, dialect),
    agentFiles: new AgentFileRepository(db, dialect),
    folders: new FolderRepository(db, dialect),
    files: new FileRepository(db, dialect),
    fileViews: new FileViewRepository(db, dialect),
  };
}
