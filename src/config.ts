import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ProviderSettings {
  openai?: { apiKey: string; baseURL?: string };
  anthropic?: { apiKey: string; baseURL?: string };
  google?: { apiKey: string; baseURL?: string };
  ollama?: { baseURL: string };
}

export interface StoreConfig {
  /** Postgres connection string; absent means the embedded SQLite store. */
  pgUri?: string;
  /** Folder of the embedded store's file. */
  dataDir: string;
}

/** How user tools run (see src/tools/sandbox). */
export interface SandboxConfig {
  /** Where installed npm/pip requirements are cached, per requirement set. */
  cacheDir: string;
  timeoutMs: number;
  memoryMb: number;
}

export interface Config {
  host: string;
  port: number;
  password?: string;
  store: StoreConfig;
  providers: ProviderSettings;
  sandbox: SandboxConfig;
  /** How often each process looks for scheduled messages that are due (ms). */
  schedulePollMs: number;
  /** The largest file an upload or agent-file import may carry (bytes). */
  maxUploadBytes: number;
  /** Exa's API key for the web_search tool (`EXA_API_KEY`, as Letta reads it). */
  exaApiKey?: string;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function providerSettingsFromEnv(env: Env): ProviderSettings {
  const settings: ProviderSettings = {};
  const openaiKey = nonEmpty(env.OPENAI_API_KEY);
  const openaiBase = nonEmpty(env.OPENAI_BASE_URL) ?? nonEmpty(env.OPENAI_API_BASE);
  // An OpenAI-compatible server (Ollama, vLLM, LM Studio ...) often needs no key.
  if (openaiKey || openaiBase) settings.openai = { apiKey: openaiKey ?? 'none', baseURL: openaiBase };
  const anthropicKey = nonEmpty(env.ANTHROPIC_API_KEY);
  if (anthropicKey) settings.anthropic = { apiKey: anthropicKey, baseURL: nonEmpty(env.ANTHROPIC_BASE_URL) };
  const googleKey = nonEmpty(env.GEMINI_API_KEY) ?? nonEmpty(env.GOOGLE_API_KEY);
  if (googleKey) settings.google = { apiKey: googleKey, baseURL: nonEmpty(env.GEMINI_BASE_URL) };
  const ollamaBase = nonEmpty(env.OLLAMA_BASE_URL);
  if (ollamaBase) settings.ollama = { baseURL: ollamaBase };
  return settings;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${text}"`);
  return value;
}

export function configFromEnv(env: Env = process.env): Config {
  const portText = nonEmpty(env.PORT) ?? '8283';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got "${portText}"`);
  }
  const dataDir = nonEmpty(env.MNEMO_DATA_DIR) ?? join(homedir(), '.mnemo');
  return {
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    port,
    password: nonEmpty(env.MNEMO_PASSWORD) ?? nonEmpty(env.LETTA_SERVER_PASSWORD),
    store: {
      pgUri: nonEmpty(env.MNEMO_PG_URI) ?? nonEmpty(env.LETTA_PG_URI),
      dataDir,
    },
    providers: providerSettingsFromEnv(env),
    sandbox: {
      cacheDir: nonEmpty(env.MNEMO_TOOL_CACHE_DIR) ?? join(dataDir, 'tool-cache'),
      timeoutMs: positiveInteger(env, 'MNEMO_TOOL_TIMEOUT_MS', 30_000),
      memoryMb: positiveInteger(env, 'MNEMO_TOOL_MEMORY_MB', 512),
    },
    schedulePollMs: positiveInteger(env, 'MNEMO_SCHEDULE_POLL_MS', 1_000),
    maxUploadBytes: positiveInteger(env, 'MNEMO_MAX_UPLOAD_MB', 50) * 1024 * 1024,
    exaApiKey: nonEmpty(env.EXA_API_KEY),
    logLevel: nonEmpty(env.MNEMO_LOG_LEVEL) ?? 'info',
  };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}
