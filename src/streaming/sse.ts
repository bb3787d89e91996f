import type { ServerResponse } from 'node:http';

const PING_AFTER_MS = 20_000;

/**
 * Writes a Letta SSE stream on a raw response: `data: <json>\n\n` per event, `event: error` for
 * errors, `data: [DONE]` at the end, and a ping after 20 s without output when pings are on.
 */
export class SseWriter {
  private pingTimer?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly ping?: () => Record<string, unknown>,
  ) {}

  start(): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.schedulePing();
  }

  get closed(): boolean {
    return this.ended || this.response.destroyed;
  }

  send(data: unknown): void {
    this.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  sendError(data: unknown): void {
    this.write(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.write('data: [DONE]\n\n');
    this.ended = true;
    clearTimeout(this.pingTimer);
    this.response.end();
  }

  onClose(listener: () => void): void {
    this.response.on('close', () => {
      clearTimeout(this.pingTimer);
      listener();
    });
  }

  private write(frame: string): void {
    if (this.closed) return;
    this.response.write(frame);
    this.schedulePing();
  }

  private schedulePing(): void {
    if (!this.ping) return;
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.send(this.ping!()), PING_AFTER_MS);
    this.pingTimer.unref();
  }
}
