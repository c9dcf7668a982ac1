// The last lines ffmpeg wrote to stderr, kept to say why a camera went offline (its last line, or the line it
// is still writing), each cut to 500 characters.
export class StderrTail {
  private kept: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  reset(): void {
    this.kept = [];
    this.partial = '';
  }

  push(text: string): void {
    const parts = (this.partial + text).split(/[\r\n]+/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.kept.push(line.slice(0, 500));
      if (this.kept.length > this.max) this.kept.shift();
    }
  }

  lines(): readonly string[] {
    return this.kept;
  }

  last(): string | null {
    const tail = this.partial.trim();
    return tail ? tail.slice(0, 500) : (this.kept.at(-1) ?? null);
  }
}
