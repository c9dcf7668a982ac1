// Cuts ffmpeg's raw rgb24 byte stream into whole frames, copying each byte at most once.

/**
 * Pipe chunks (64 KiB on Linux) rarely line up with frames (2.7 MB at 1280x720), so most frames are
 * assembled into one buffer of their own. A frame that lies wholly inside one chunk is returned as a
 * view of that chunk instead, with no copy; it keeps the chunk alive for as long as the frame lives.
 */
export class FrameReader {
  readonly frameBytes: number;
  private partial: Buffer | null = null;
  private filled = 0;

  constructor(frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0)
      throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
    this.frameBytes = frameBytes;
  }

  /** Consumes one chunk; returns the frames it completed, oldest first (often none). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.partial) {
        const take = Math.min(this.frameBytes - this.filled, chunk.length - offset);
        chunk.copy(this.partial, this.filled, offset, offset + take);
        this.filled += take;
        offset += take;
        if (this.filled === this.frameBytes) {
          frames.push(this.partial);
          this.partial = null;
          this.filled = 0;
        }
      } else if (chunk.length - offset >= this.frameBytes) {
        frames.push(chunk.subarray(offset, offset + this.frameBytes));
        offset += this.frameBytes;
      } else {
        // allocUnsafe: every byte is overwritten before the frame is handed out.
        this.partial = Buffer.allocUnsafe(this.frameBytes);
        this.filled = 0;
      }
    }
    return frames;
  }

  /** Bytes held towards the next frame. */
  get pendingBytes(): number {
    return this.filled;
  }

  /** Drops a partial frame, e.g. when the decoder restarts and its stream begins anew. */
  reset(): void {
    this.partial = null;
    this.filled = 0;
  }
}
