// A minimal SSE client for tests: collects events from a Vigil stream and waits for one that matches.
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: { test: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  readonly ready: Promise<void>;

  constructor(url: string, token: string) {
    this.ready = this.run(url, token);
  }

  private async run(url: string, token: string): Promise<void> {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: this.controller.signal });
    if (!res.ok || !res.body) throw new Error(`stream ${url}: ${res.status}`);
    void this.read(res.body);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (!event || !data) continue;
          const e = { event, data: JSON.parse(data) as Record<string, unknown>, receivedAt: Date.now() };
          this.events.push(e);
          this.waiters = this.waiters.filter((w) => (w.test(e) ? (w.resolve(e), false) : true));
        }
      }
    } catch {
      // aborted by close()
    }
  }

  waitFor(test: (e: SseEvent) => boolean, timeoutMs = 30_000, what = 'event'): Promise<SseEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no ${what} within ${timeoutMs} ms; got: ${this.events.map((e) => e.event).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  close(): void {
    this.controller.abort();
  }
}
