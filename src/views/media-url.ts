// What POST /media-urls answers: a signed URL for one media path and when it stops working.
import { z } from 'zod';
import { isoTime } from '../api/contract/route-doc.js';

export const signedUrlSchema = z.object({
  url: z.string().describe('The path with media_exp, media_tid and media_sig added; open it with GET'),
  expiresAt: isoTime,
});

export const signedUrlView = (s: { url: string; expiresAt: string }): z.infer<typeof signedUrlSchema> => ({
  url: s.url,
  expiresAt: s.expiresAt,
});
