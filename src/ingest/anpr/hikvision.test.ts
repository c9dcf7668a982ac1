// Unit: Hikvision ISAPI ANPR events (XML, JSON, multipart) read as plate reads; the pass id a push becomes.
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../lib/errors.js';
import { anprEventId, toPlateReadEvent, unitConfidence } from './anpr-read.js';
import { parseAlertDocument, readFromAlert, readFromForm } from './hikvision.js';

const anprXml = (
  plate: string,
  at = '2026-12-03T09:15:02.120+08:00',
  uuid = 'a1b2c3',
) => `<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
<ipAddress>10.1.2.3</ipAddress><portNo>80</portNo><protocol>HTTP</protocol><macAddress>44:a6:42:00:00:01</macAddress>
<channelID>1</channelID><dateTime>${at}</dateTime><activePostCount>1</activePostCount>
<eventType>ANPR</eventType><eventState>active</eventState><eventDescription>ANPR</eventDescription>
<UUID>${uuid}</UUID>
<ANPR><country>0</country><licensePlate>${plate}</licensePlate><line>1</line><direction>forward</direction>
<confidenceLevel>97</confidenceLevel><plateType>92TypeCivil</plateType><plateColor>blue</plateColor>
<vehicleType>vehicle</vehicleType><vehicleInfo><color>white</color><vehicleType>sedan</vehicleType></vehicleInfo>
<pictureInfoList><pictureInfo><fileName>licensePlatePicture.jpg</fileName><type>licensePlatePicture</type></pictureInfo></pictureInfoList>
</ANPR></EventNotificationAlert>`;

const heartbeat = `<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><eventType>videoloss</eventType><eventState>inactive</eventState><dateTime>2026-12-03T09:15:02+08:00</dateTime></EventNotificationAlert>`;

describe('Hikvision ANPR push', () => {
  it('reads plate, time with its offset, confidence, colour, vehicle and the event UUID from the XML', () => {
    const push = readFromAlert(parseAlertDocument(anprXml('粤B4E7K2')));
    expect(push).toEqual({
      kind: 'read',
      channel: '1',
      read: {
        plate: '粤B4E7K2',
        capturedAt: '2026-12-03T01:15:02.120Z',
        confidence: 97,
        eventId: 'a1b2c3',
        plateColour: 'blue',
        vehicleType: 'vehicle',
        vehicleColour: 'white',
        direction: 'forward',
      },
    });
  });

  it('reads the JSON form of the same event', () => {
    const json = JSON.stringify({
      ipAddress: '10.1.2.3',
      channelID: 2,
      dateTime: '2026-12-03T09:15:02+08:00',
      eventType: 'ANPR',
      ANPR: { licensePlate: '京A12345', confidenceLevel: 88, plateColor: 'unknown' },
    });
    const push = readFromAlert(parseAlertDocument(json));
    expect(push).toMatchObject({
      kind: 'read',
      channel: '2',
      read: { plate: '京A12345', confidence: 88, capturedAt: '2026-12-03T01:15:02.000Z' },
    });
    if (push.kind === 'read') expect(push.read.plateColour).toBeUndefined();
  });

  it('ignores heartbeats and ANPR events without a plate; refuses documents that are not events', () => {
    expect(readFromAlert(parseAlertDocument(heartbeat))).toEqual({ kind: 'ignored', eventType: 'videoloss' });
    expect(readFromAlert(parseAlertDocument(anprXml('unknown')))).toEqual({
      kind: 'ignored',
      eventType: 'ANPR without a plate',
    });
    expect(() => parseAlertDocument('<Other/>')).toThrow(/no EventNotificationAlert/);
    expect(() => parseAlertDocument('{broken')).toThrow(BadInputError);
    expect(() => readFromAlert(parseAlertDocument(anprXml('京A12345', 'yesterday')))).toThrow(/no dateTime/);
  });

  it('takes the event part and the plate picture from a multipart push', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const form = {
      'anpr.xml': new File([anprXml('沪AD12345')], 'anpr.xml', { type: 'application/xml' }),
      licensePlatePicture: new File([jpeg], 'licensePlatePicture.jpg', { type: 'image/jpeg' }),
      detectionPicture: new File([Buffer.from([0xff, 0xd8, 9])], 'detectionPicture.jpg', { type: 'image/jpeg' }),
    };
    const push = await readFromForm(form);
    expect(push).toMatchObject({ kind: 'read', read: { plate: '沪AD12345', plateJpeg: jpeg.toString('base64') } });
    await expect(readFromForm({ note: 'hello' })).rejects.toThrow(/no EventNotificationAlert part/);
  });
});

describe('ANPR pass identity', () => {
  const base = { cameraId: 'gate-1', plate: '粤B4E7K2', capturedAt: '2026-12-03T01:15:02.120Z' };

  it('names the same push the same pass, and another camera, event or time another', () => {
    const id = anprEventId(base);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(anprEventId({ ...base, plate: '粤B·4E7K2' })).toBe(id);
    expect(anprEventId({ ...base, cameraId: 'gate-2' })).not.toBe(id);
    expect(anprEventId({ ...base, capturedAt: '2026-12-03T01:15:03.120Z' })).not.toBe(id);
    expect(anprEventId({ ...base, eventId: 'e1' })).not.toBe(anprEventId({ ...base, eventId: 'e2' }));
    expect(anprEventId({ ...base, eventId: 'e1' })).toBe(
      anprEventId({ ...base, eventId: 'e1', capturedAt: '2027-01-01T00:00:00Z' }),
    );
  });

  it('turns a read into the one-read pass the match job takes, with 0-100 confidences scaled', () => {
    expect([unitConfidence(97), unitConfidence(0.8), unitConfidence(undefined)]).toEqual([0.97, 0.8, 0.9]);
    const e = toPlateReadEvent({ ...base, confidence: 97 });
    expect(e).toMatchObject({
      cameraId: 'gate-1',
      plate: '粤B4E7K2',
      confidence: 0.97,
      readCount: 1,
      update: false,
      capturedAt: Date.parse(base.capturedAt),
    });
    expect(e.format).not.toBe('unknown');
    expect(toPlateReadEvent({ ...base, plate: 'AB-1234' }, [{ name: 'eu', pattern: '[A-Z]{2}[0-9]{4}' }]).format).toBe(
      'eu',
    );
  });

  it("stores the camera's plate colour, vehicle type and colour in Vigil's words, and leaves out what it did not send", () => {
    const push = readFromAlert(parseAlertDocument(anprXml('粤B4E7K2')));
    if (push.kind !== 'read') throw new Error('expected a read');
    expect(toPlateReadEvent({ ...push.read, cameraId: 'gate-1' })).toMatchObject({
      plateColour: 'blue',
      vehicleType: 'car',
      vehicleColour: 'white',
    });
    const hik = toPlateReadEvent({
      ...base,
      plateColour: 'newEnergyGreen',
      vehicleType: 'largeBus',
      vehicleColour: 'deepBlue',
    });
    expect([hik.plateColour, hik.vehicleType, hik.vehicleColour]).toEqual(['green', 'bus', 'blue']);
    const odd = toPlateReadEvent({ ...base, plateColour: 'other', vehicleType: 'SUVMPV', vehicleColour: '银色' });
    expect([odd.plateColour, odd.vehicleType, odd.vehicleColour]).toEqual(['unknown', 'car', 'silver']);
    const none = toPlateReadEvent(base);
    expect([none.plateColour, none.vehicleType, none.vehicleColour]).toEqual([undefined, undefined, undefined]);
  });
});
