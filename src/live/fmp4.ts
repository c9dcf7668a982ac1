// Fragmented MP4 as ffmpeg writes it: cuts the byte stream into the init segment and moof+mdat fragments,
// tells which fragments start with a keyframe, and names the codec for MediaSource.
const SYNC_FREE = 0x10000; // sample_is_non_sync_sample: set on every frame that is not a keyframe

export interface Fragment {
  bytes: Buffer;
  /** The fragment's first sample is a keyframe: a new viewer can start here. */
  keyframe: boolean;
}

interface Box {
  type: string;
  /** The box's payload (after its 8-byte header). */
  body: Buffer;
}

/** The child boxes of a payload (a container box's body). */
export function children(body: Buffer): Box[] {
  const out: Box[] = [];
  for (let i = 0; i + 8 <= body.length;) {
    const size = body.readUInt32BE(i);
    if (size < 8 || i + size > body.length) break;
    out.push({ type: body.toString('latin1', i + 4, i + 8), body: body.subarray(i + 8, i + size) });
    i += size;
  }
  return out;
}

const child = (body: Buffer | undefined, type: string) =>
  body ? children(body).find((b) => b.type === type)?.body : undefined;

/** Follows a path of container boxes, e.g. ['moov', 'mvex', 'trex']. */
export function dig(body: Buffer, path: string[]): Buffer | undefined {
  let cur: Buffer | undefined = body;
  for (const type of path) cur = child(cur, type);
  return cur;
}

/** trex's default_sample_flags, the fallback for fragments that state no flags of their own. */
export function trexDefaultFlags(init: Buffer): number {
  const trex = dig(init, ['moov', 'mvex', 'trex']);
  return trex && trex.length >= 24 ? trex.readUInt32BE(20) : 0;
}

/** Whether the first sample of a moof is a keyframe (trun first/per-sample flags, then tfhd, then trex). */
export function startsWithKeyframe(moof: Buffer, defaultFlags: number): boolean {
  const traf = child(moof, 'traf');
  const tfhd = child(traf, 'tfhd');
  const trun = child(traf, 'trun');
  if (!trun || trun.length < 8) return false;
  let flags = defaultFlags;
  if (tfhd && tfhd.length >= 8) {
    const f = tfhd.readUInt32BE(0) & 0xffffff;
    const at = 8 + (f & 0x01 ? 8 : 0) + (f & 0x02 ? 4 : 0) + (f & 0x08 ? 4 : 0) + (f & 0x10 ? 4 : 0);
    if (f & 0x20 && tfhd.length >= at + 4) flags = tfhd.readUInt32BE(at);
  }
  const f = trun.readUInt32BE(0) & 0xffffff;
  let at = 8 + (f & 0x01 ? 4 : 0);
  if (f & 0x04) return (trun.readUInt32BE(at) & SYNC_FREE) === 0;
  if (f & 0x400) {
    at += (f & 0x100 ? 4 : 0) + (f & 0x200 ? 4 : 0);
    return trun.length >= at + 4 && (trun.readUInt32BE(at) & SYNC_FREE) === 0;
  }
  return (flags & SYNC_FREE) === 0;
}

/** RFC 6381 codec string of the first video track, e.g. avc1.4d401f; the sample entry's type when not H.264. */
export function codecOf(init: Buffer): string | null {
  const stsd = dig(init, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (!stsd || stsd.length < 16) return null;
  const [entry] = children(stsd.subarray(8));
  if (!entry) return null;
  if (entry.type !== 'avc1' && entry.type !== 'avc3') return entry.type;
  const avcC = child(entry.body.subarray(78), 'avcC');
  if (!avcC || avcC.length < 4) return entry.type;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `${entry.type}.${hex(avcC[1])}${hex(avcC[2])}${hex(avcC[3])}`;
}

/**
 * Push ffmpeg's stdout in; get the init segment once (ftyp+moov) and then whole fragments (moof+mdat).
 * Anything before moov other than ftyp is kept with the init; boxes are never split.
 */
export class Fmp4Splitter {
  private pending: Buffer = Buffer.alloc(0);
  private initParts: Buffer[] = [];
  private moof: Buffer | null = null;
  private defaultFlags = 0;
  init: Buffer | null = null;

  constructor(private readonly on: { init(init: Buffer): void; fragment(f: Fragment): void }) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let i = 0;
    while (i + 8 <= this.pending.length) {
      const size = this.pending.readUInt32BE(i);
      if (size < 8) throw new Error(`bad MP4 box size ${size} in the live stream`);
      if (i + size > this.pending.length) break;
      this.box(this.pending.toString('latin1', i + 4, i + 8), this.pending.subarray(i, i + size));
      i += size;
    }
    this.pending = Buffer.from(this.pending.subarray(i));
  }

  private box(type: string, bytes: Buffer): void {
    if (!this.init) {
      this.initParts.push(bytes);
      if (type === 'moov') {
        this.init = Buffer.concat(this.initParts);
        this.defaultFlags = trexDefaultFlags(this.init);
        this.on.init(this.init);
      }
      return;
    }
    if (type === 'moof') this.moof = bytes;
    else if (type === 'mdat' && this.moof) {
      const keyframe = startsWithKeyframe(this.moof.subarray(8), this.defaultFlags);
      this.on.fragment({ bytes: Buffer.concat([this.moof, bytes]), keyframe });
      this.moof = null;
    }
  }
}
