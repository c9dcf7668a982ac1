// One JPEG of a camera's current picture, grabbed by ffmpeg from its source (for a mark made without the page's frame).
import { spawn } from 'node:child_process';

export type FrameGrab = (source: string) => Promise<Buffer>;

/** Reads the first decodable frame and encodes it as JPEG; rejects after timeoutMs or when ffmpeg fails. */
export function ffmpegFrameGrab(ffmpegPath = 'ffmpeg', timeoutMs = 10_000): FrameGrab {
  return (source) =>
    new Promise<Buffer>((resolve, reject) => {
      const input = source.startsWith('file://') ? source.slice('file://'.length) : source;
      const transport = /^rtsps?:\/\//.test(source) ? ['-rtsp_transport', 'tcp'] : [];
      const child = spawn(
        ffmpegPath,
        [
          '-hide_banner',
          '-loglevel',
          'error',
          ...transport,
          '-i',
          input,
          '-frames:v',
          '1',
          '-f',
          'image2pipe',
          '-c:v',
          'mjpeg',
          '-q:v',
          '4',
          'pipe:1',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-500)));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const jpeg = Buffer.concat(out);
        if (code === 0 && isJpeg(jpeg)) resolve(jpeg);
        else reject(new Error(`no frame from the camera (ffmpeg ${code ?? 'killed'}${err ? `: ${err.trim()}` : ''})`));
      });
    });
}

/** Starts with SOI and ends with EOI. */
export function isJpeg(b: Buffer): boolean {
  return b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
}
