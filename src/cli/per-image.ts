// The shared shape of the still-image commands (plates read, detect, faces embed): one model for all
// files, one line per file, and per-file problems that do not stop the other files.
import { NotAnImageError, decodeImage } from '../vision/image.js';
import type { RgbImage } from '../domain/frame.js';

export type PerImage<T> = ({ file: string } & T) | { file: string; error: string };

/** Per-file problems become a line of output so the other files still get read. */
export function fileError(file: string, err: unknown): string {
  if (err instanceof NotAnImageError) return err.message;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `no such file: ${file}`;
  if (code === 'EISDIR') return `is a directory: ${file}`;
  if (code === 'EACCES') return `permission denied: ${file}`;
  throw err;
}

/**
 * Decodes each file, runs `analyse` on it and writes one line per file (JSON or `describe`).
 * Exit code 0 when every file was read, 1 if any failed.
 */
export async function eachImage<T extends object>(
  files: string[],
  opts: { json: boolean; out: NodeJS.WritableStream },
  analyse: (image: RgbImage) => Promise<T>,
  describe: (file: string, result: T) => string,
): Promise<number> {
  let failed = 0;
  for (const file of files) {
    let result: PerImage<T>;
    try {
      result = { file, ...(await analyse(await decodeImage(file))) };
    } catch (err) {
      result = { file, error: fileError(file, err) };
    }
    if ('error' in result) failed++;
    const line = opts.json
      ? JSON.stringify(result)
      : 'error' in result
        ? `${file}: error: ${result.error}`
        : describe(file, result as T);
    opts.out.write(`${line}\n`);
  }
  return failed ? 1 : 0;
}

/** `--json` and files, nothing else; null (after printing usage) when the arguments are wrong. */
export function jsonAndFiles(
  args: string[],
  usage: string,
  out: NodeJS.WritableStream,
): { json: boolean; files: string[] } | null {
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (unknown.length || files.length === 0) {
    out.write(`${unknown.length ? `unknown option ${unknown[0]}\n` : ''}${usage}\n`);
    return null;
  }
  return { json: args.includes('--json'), files };
}
