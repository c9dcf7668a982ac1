// Reads the camera's clock from ffmpeg's second output: a fragmented MP4 of the copied video stream whose
// 'prft' boxes carry, per frame, the camera's wall time from its latest RTCP sender report.
//
// Why this route: ffmpeg 5.1's RTSP demuxer keeps the sender report's NTP time only inside (start_time_realtime)
// and on each packet as PRFT side data (rtpdec.c, rtp_set_prft); its CLI prints neither, but the MP4 muxer
// with `-write_prft wallclock` writes that side data into a prft box of every fragment. The same RTSP session
// feeds both outputs, and the copy is not decoded: the cost is one memcpy of the compressed stream.

/** Seconds from 1900 (NTP's epoch) to 1970. */
const NTP_UNIX_OFFSET_S = 2_208_988_800;
/**
 * Before the first sender report, the muxer stamps its own (the node's) clock instead: readings from the first
 * seconds of each ffmpeg run are dropped. Cameras send a report every few seconds (RFC 3550: 5 s nominal).
 */
export const CLOCK_SETTLE_MS = 12_000;
/** A prft box is 32 bytes at most; a larger one is not what we asked for. */
const MAX_PRFT_BYTES = 64;

/** Cuts a byte stream into MP4 boxes and keeps the camera's clock offset from each prft box. */
export class CameraClockReader {
  /** Bytes of the box being read: its header, then (for a prft) its body. */
  private head = Buffer.alloc(0);
  /** Size of the box whose header was read and that is being kept (a prft), else null. */
  private keep: number | null = null;
  /** Bytes still to pass over (the rest of a box other than prft: the frame's data). */
  private skip = 0;
  private startedAt = 0;
  /** The camera's clock minus the node's, ms, from the latest prft after the settle time; null when not known. */
  offsetMs: number | null = null;

  /** A new ffmpeg run: a new MP4 stream, and no sender report yet. */
  reset(now: number): void {
    this.head = Buffer.alloc(0);
    this.keep = null;
    this.skip = 0;
    this.startedAt = now;
    this.offsetMs = null;
  }

  /** Feeds bytes from ffmpeg's clock output, received at `now` (epoch ms). Frame data is passed over, not copied. */
  push(chunk: Buffer, now: number): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const want = this.keep ?? 8;
      const n = Math.min(want - this.head.length, chunk.length - pos);
      this.head = Buffer.concat([this.head, chunk.subarray(pos, pos + n)]);
      pos += n;
      if (this.head.length < want) return;
      if (this.keep !== null) {
        this.onPrft(this.head.subarray(8), now);
        this.keep = null;
      } else {
        const size = this.head.readUInt32BE(0);
        const isPrft = this.head.toString('latin1', 4, 8) === 'prft';
        // size 0 (to the end) and 1 (64-bit size) are never written for fragments; both end the reading.
        if (size < 8) {
          this.skip = Infinity;
          continue;
        }
        if (isPrft && size <= MAX_PRFT_BYTES) {
          this.keep = size;
          continue;
        }
        this.skip = size - 8;
      }
      this.head = Buffer.alloc(0);
    }
  }

  private onPrft(body: Buffer, now: number): void {
    // ISO/IEC 14496-12 8.16.5: version(8) flags(24) reference_track_ID(32) ntp_timestamp(64) media_time(32|64).
    if (body.length < 16 || now - this.startedAt < CLOCK_SETTLE_MS) return;
    const seconds = body.readUInt32BE(8);
    const fraction = body.readUInt32BE(12);
    const cameraMs = (seconds - NTP_UNIX_OFFSET_S) * 1000 + (fraction / 2 ** 32) * 1000;
    this.offsetMs = Math.round(cameraMs - now);
  }
}

/** ffmpeg output arguments for the clock stream on file descriptor `fd` (after the decoded output's). */
export function clockOutputArgs(fd: number): string[] {
  return [
    ...['-map', '0:v:0', '-c:v', 'copy'],
    // One fragment per frame, each with its prft, written as the frame arrives; no moov to seek back to.
    ...['-f', 'mp4', '-movflags', 'empty_moov+frag_every_frame+default_base_moof', '-write_prft', 'wallclock'],
    `pipe:${fd}`,
  ];
}
