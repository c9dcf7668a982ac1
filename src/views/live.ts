// What GET /live answers: the live streams this API process runs, for admins.
import { z } from 'zod';
import { LIVE_FORMATS } from '../live/formats.js';
import type { LiveStreamInfo } from '../live/live-hub.js';
import { isoTime } from '../api/contract/route-doc.js';

export const liveStreamsSchema = z.object({
  streams: z.array(
    z.object({
      camera: z.string(),
      format: z.enum(LIVE_FORMATS),
      sessionId: z.string().describe('The shared ffmpeg run (x-live-session of the viewers)'),
      pid: z.number().int().nullable(),
      viewers: z.number().int(),
      startedAt: isoTime,
    }),
  ),
  maxViewersPerCamera: z.number().int(),
});

export function liveStreamsView(
  streams: LiveStreamInfo[],
  maxViewersPerCamera: number,
): z.infer<typeof liveStreamsSchema> {
  return {
    streams: streams.map((s) => ({
      camera: s.camera,
      format: s.format,
      sessionId: s.sessionId,
      pid: s.pid,
      viewers: s.viewers,
      startedAt: s.startedAt,
    })),
    maxViewersPerCamera,
  };
}
