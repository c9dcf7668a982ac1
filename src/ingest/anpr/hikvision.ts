// Hikvision ISAPI ANPR push ("HTTP listening" / alarm host): the camera POSTs an EventNotificationAlert,
// as XML or JSON, alone or in multipart/form-data with licensePlatePicture.jpg and detectionPicture.jpg.
// The format is public (ISAPI developer guide, Event/notification); this reads the fields Vigil uses.
import { XMLParser } from 'fast-xml-parser';
import { BadInputError } from '../../lib/errors.js';
import type { AnprRead } from './anpr-read.js';

/** What one push carried: a read, or an event of another type (heartbeats, video loss) that is ignored. */
export type HikvisionPush =
  { kind: 'read'; read: Omit<AnprRead, 'cameraId'>; channel: string | null } | { kind: 'ignored'; eventType: string };

type Tree = Record<string, unknown>;
const xml = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true });

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const known = (v: unknown): string | undefined => {
  const t = text(v);
  return t && t.toLowerCase() !== 'unknown' ? t : undefined;
};
const child = (t: Tree | undefined, key: string): Tree | undefined => {
  const v = t?.[key];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Tree) : undefined;
};

/** The EventNotificationAlert tree from an XML or JSON document. */
export function parseAlertDocument(body: string): Tree {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new BadInputError("the event is neither XML nor JSON: send the camera's EventNotificationAlert");
    }
    const tree = parsed as Tree;
    return child(tree, 'EventNotificationAlert') ?? tree;
  }
  let doc: Tree;
  try {
    doc = xml.parse(trimmed, true) as Tree;
  } catch (err) {
    throw new BadInputError(`the event XML does not parse: ${(err as Error).message.split('\n')[0]}`);
  }
  const alert = child(doc, 'EventNotificationAlert');
  if (!alert) throw new BadInputError('no EventNotificationAlert element in the event XML');
  return alert;
}

/** One push as a read; `plateJpeg` is the licensePlatePicture part when the camera sent one. */
export function readFromAlert(alert: Tree, plateJpeg?: Buffer): HikvisionPush {
  const eventType = text(alert.eventType) ?? 'unknown';
  const anpr = child(alert, 'ANPR');
  if (eventType.toUpperCase() !== 'ANPR' || !anpr) return { kind: 'ignored', eventType };
  const plate = known(anpr.licensePlate) ?? known(anpr.originalLicensePlate);
  // No plate read: the camera saw a vehicle and could not read it; nothing to match.
  if (!plate) return { kind: 'ignored', eventType: 'ANPR without a plate' };
  const at = text(alert.dateTime);
  if (!at || Number.isNaN(Date.parse(at)))
    throw new BadInputError("the ANPR event has no dateTime (ISO 8601): set the camera's clock and time zone");
  const vehicle = child(anpr, 'vehicleInfo');
  const confidence = Number(text(anpr.confidenceLevel));
  const jpeg = plateJpeg?.toString('base64');
  return {
    kind: 'read',
    channel: text(alert.channelID) ?? null,
    read: {
      plate,
      capturedAt: new Date(Date.parse(at)).toISOString(),
      ...(Number.isFinite(confidence) && confidence >= 0 && confidence <= 100 ? { confidence } : {}),
      ...(text(alert.UUID) ? { eventId: text(alert.UUID) } : {}),
      ...(known(anpr.plateColor) ? { plateColour: known(anpr.plateColor) } : {}),
      ...((known(anpr.vehicleType) ?? known(vehicle?.vehicleType))
        ? { vehicleType: known(anpr.vehicleType) ?? known(vehicle?.vehicleType) }
        : {}),
      ...(known(vehicle?.color) ? { vehicleColour: known(vehicle?.color) } : {}),
      ...(known(anpr.direction) ? { direction: known(anpr.direction) } : {}),
      ...(jpeg ? { plateJpeg: jpeg } : {}),
    },
  };
}

/** A multipart push: the first part that holds the alert document, and the plate picture if any. */
export async function readFromForm(form: Record<string, unknown>): Promise<HikvisionPush> {
  let doc: string | undefined;
  let plateJpeg: Buffer | undefined;
  for (const value of Object.values(form).flat()) {
    if (typeof value === 'string') {
      if (/EventNotificationAlert|"eventType"/.test(value)) doc ??= value;
      continue;
    }
    if (!(value instanceof File)) continue;
    const name = value.name.toLowerCase();
    if (name.includes('licenseplatepicture')) plateJpeg = Buffer.from(await value.arrayBuffer());
    else if (/xml|json/.test(value.type) || /\.(xml|json)$/.test(name)) doc ??= await value.text();
  }
  if (!doc) throw new BadInputError('no EventNotificationAlert part in the multipart push (an XML or JSON part)');
  return readFromAlert(parseAlertDocument(doc), plateJpeg);
}
