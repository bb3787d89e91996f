import type { JsonObject } from '../domain/agent.js';
import type { Message, NewMessage } from '../domain/message.js';
import { planCompaction, transcriptOf, type CompactionMode } from '../engine/compaction.js';
import type { ModelClient } from '../providers/model-client.js';
import type { Store } from '../store/store.js';

export interface CompactionOutcome {
  summary: string | null;
  messagesBefore: number;
  messagesAfter: number;
}

const DEFAULT_PROMPT =
  'You summarise the earlier part of a conversation between a user and an AI agent, so the agent can go on without it. ' +
  'Keep what the agent will need: facts about the user, decisions, open tasks, what tools found. Be concise; write the summary only.';
const DEFAULT_CLIP_CHARS = 50_000;
/** Sliding modes keep this share of the context window unless the settings say otherwise. */
const DEFAULT_KEEP_SHARE = 0.3;

/** Letta's "pick a summariser for me" handle; Mnemo resolves it to the conversation's own model. */
const AUTO_SUMMARY_MODEL = 'letta/auto';

/** The handle of the model the compaction settings name to write summaries; undefined means the conversation's own. */
export function summaryModelHandle(settings: JsonObject | null): string | undefined {
  const handle = typeof settings?.model === 'string' ? settings.model.trim() : '';
  return handle && handle !== AUTO_SUMMARY_MODEL ? handle : undefined;
}

/**
 * Compacts a conversation's context window: the older messages are summarised by a model into one
 * summary (a hidden system alert right after the system message) and leave the context, while they
 * stay in the history and in conversation_search. If the summariser fails, they are evicted anyway
 * with a note saying so, so an agent is never stuck on a full context. Call under the conversation's lock.
 */
export async function compactConversation(
  store: Store,
  target: { agentId: string; conversationId: string; contextWindow: number },
  summariser: ModelClient,
  settings: JsonObject | null,
): Promise<CompactionOutcome> {
  const repos = store.repos;
  const ids = await repos.agents.inContextIdsOfConversation(target.conversationId);
  const [system, ...history] = await repos.messages.contextWindow(target.conversationId, ids);
  const mode = (settings?.mode as CompactionMode | undefined) ?? 'sliding_window';
  const keepShare = typeof settings?.sliding_window_percentage === 'number' ? settings.sliding_window_percentage : DEFAULT_KEEP_SHARE;
  const { evict, keep } = planCompaction(history, mode, Math.floor(target.contextWindow * keepShare));
  if (!system || !evict.length) return { summary: null, messagesBefore: ids.length, messagesAfter: ids.length };

  let summary: string;
  try {
    const response = await summariser.generate({
      system: typeof settings?.prompt === 'string' && settings.prompt ? settings.prompt : DEFAULT_PROMPT,
      messages: [{ role: 'user', content: [{ type: 'text', text: `The conversation so far:\n\n${transcriptOf(evict)}` }] }],
      tools: [],
      settings: {},
    });
    summary = response.text.trim();
    if (!summary) throw new Error('the summariser answered with no text');
    const clip = typeof settings?.clip_chars === 'number' ? settings.clip_chars : DEFAULT_CLIP_CHARS;
    if (summary.length > clip) summary = `${summary.slice(0, clip)}…`;
  } catch (error) {
    summary = `(${evict.length} earlier messages were removed to make room; summarising them failed: ${(error as Error).message})`;
  }
  const note: NewMessage = {
    agentId: target.agentId,
    conversationId: target.conversationId,
    role: 'user',
    content: [
      {
        type: 'text',
        text: JSON.stringify({
          type: 'system_alert',
          message: `Note: ${evict.length} earlier messages have been hidden from view to save space; they can be searched with conversation_search. Summary of them:\n${summary}`,
          time: new Date().toISOString(),
        }),
      },
    ],
  };
  const after = await store.transaction(async (tx) => {
    const [inserted] = (await tx.messages.insertMany([note])) as [Message];
    const kept = [system.id, inserted.id, ...keep.map((message) => message.id)];
    await tx.agents.setInContextMessageIds(target.conversationId, kept);
    return kept.length;
  });
  return { summary, messagesBefore: ids.length, messagesAfter: after };
}
