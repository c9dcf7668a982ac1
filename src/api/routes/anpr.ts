// Reads pushed by checkpoints whose cameras read plates themselves (ANPR cameras): the documented JSON
// format and Hikvision's ISAPI push, into the same match -> alert -> dispatch path as video reads.
import { Hono, type Context } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { anprReadSchema, MAX_CROP_BASE64, toPlateReadEvent, type AnprRead } from '../../ingest/anpr/anpr-read.js';
import { parseAlertDocument, readFromAlert, readFromForm, type HikvisionPush } from '../../ingest/anpr/hikvision.js';
import { BadInputError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { requireRole } from '../auth.js';
import type { ApiDeps, ApiEnv } from '../deps.js';
import { jsonBody, parseOr400 } from '../errors.js';

export const hikvisionQuery = z.object({
  camera: z
    .string()
    .min(1)
    .max(120)
    .optional()
    .describe('The checkpoint camera the push is for (a checkpoint token may leave it out)'),
  access_token: z.string().optional().describe('The token, for cameras that cannot send an Authorization header'),
});

export const anprAccepted = z.object({
  eventId: z
    .string()
    .describe(
      'The pass the read became (a UUID made from the camera and its event: a repeated push names the same pass)',
    ),
  cameraId: z.string(),
  plate: z.string(),
  plateColour: z
    .string()
    .nullable()
    .describe('As stored: blue, yellow, green, white, black, unknown; null when not sent'),
  vehicleType: z.string().nullable().describe('As stored: car, truck, bus, motorcycle, unknown; null when not sent'),
  vehicleColour: z
    .string()
    .nullable()
    .describe('As stored: white, black, grey, silver, red, blue, yellow, green, brown, unknown; null when not sent'),
  queued: z.boolean(),
});
export const anprIgnored = z.object({ ignored: z.string().describe('The event type that carries no plate read') });

type AnprDeps = Pick<ApiDeps, 'cameras' | 'queues' | 'config'>;

export function anprRoutes(deps: AnprDeps) {
  return new Hono<ApiEnv>()
    .post('/reads', requireRole('checkpoint', 'admin'), async (c) => {
      const body = await jsonBody(c, anprReadSchema);
      return c.json(await accept(c, deps, body, body.cameraId), 202);
    })
    .post('/hikvision', requireRole('checkpoint', 'admin'), async (c) => {
      const q = parseOr400(hikvisionQuery, c.req.query(), 'query');
      const push = await hikvisionPush(c);
      // The camera wants a 200 for every event, heartbeats included, or it retries them.
      if (push.kind === 'ignored') return c.json({ ignored: push.eventType }, 200);
      return c.json(await accept(c, deps, push.read, q.camera), 200);
    });
}

async function hikvisionPush(c: Context<ApiEnv>): Promise<HikvisionPush> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') return readFromForm(await c.req.parseBody({ all: true }));
  return readFromAlert(parseAlertDocument(await c.req.text()));
}

async function accept(c: Context<ApiEnv>, deps: AnprDeps, read: Omit<AnprRead, 'cameraId'>, named: string | undefined) {
  const p = c.get('principal');
  // A checkpoint pushes for its own camera only; an admin token (a gateway) names the camera.
  if (p.role === 'checkpoint' && named && named !== p.subject)
    throw new ForbiddenError(`this checkpoint token is for camera ${p.subject}, not ${named}`);
  const cameraId = p.role === 'checkpoint' ? p.subject! : named;
  if (!cameraId)
    throw new BadInputError('name the camera: cameraId in the body, or ?camera= on the push URL', [
      { field: 'cameraId', message: 'required for an admin token' },
    ]);
  const camera = await deps.cameras.get(cameraId);
  if (!camera) throw new NotFoundError(`camera ${cameraId} not found: add it to the inventory first (POST /cameras)`);
  const plateJpeg = read.plateJpeg ? await smallEnough(read.plateJpeg) : undefined;
  const event = toPlateReadEvent(
    { ...read, cameraId, ...(plateJpeg ? { plateJpeg } : {}) },
    deps.config.plates.formats,
  );
  // The job id is the pass: a camera that repeats a push (no answer, a retry) queues it once.
  await deps.queues.add('plate-reads', event, { jobId: `anpr_${event.eventId}` });
  return {
    eventId: event.eventId,
    cameraId,
    plate: event.plate,
    plateColour: event.plateColour ?? null,
    vehicleType: event.vehicleType ?? null,
    vehicleColour: event.vehicleColour ?? null,
    queued: true,
  };
}

/** A plate picture within the queue's limit (a larger one is scaled down rather than dropped); a JPEG, or a 400. */
async function smallEnough(base64: string): Promise<string> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8)
    throw new BadInputError('the plate picture is not a base64 JPEG', [{ field: 'plateJpeg', message: 'not a JPEG' }]);
  if (base64.length <= MAX_CROP_BASE64) return base64;
  try {
    const out = await sharp(bytes).resize({ width: 480, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
    return out.toString('base64');
  } catch {
    throw new BadInputError('the plate picture is not a readable JPEG', [
      { field: 'plateJpeg', message: 'does not decode' },
    ]);
  }
}
