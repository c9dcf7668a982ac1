// The checkpoint-cost bench's video: vehicles with rendered plates crossing a lane one after another, empty road between them.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { type PlateColour, renderPlateCrop } from '../src/vision/plate-render.js';
import { encodeOverlays } from '../test/support/checkpoint-video.js';

export interface LanePlate {
  text: string;
  colour: PlateColour;
}

export interface LaneOptions {
  width: number;
  height: number;
  fps: number;
  /** Seconds from one vehicle's arrival to the next's. */
  everySeconds: number;
  /** Seconds each vehicle is in view (the rest of its slot is empty road). */
  inViewSeconds: number;
  /** Plate height in the video's pixels. */
  plateHeight: number;
}

/** When vehicle i is in view, in seconds from the start of the video. */
export function inView(
  i: number,
  o: Pick<LaneOptions, 'everySeconds' | 'inViewSeconds'>,
): { from: number; to: number } {
  // Vehicles drive at different speeds (0.8-1.1 of inViewSeconds in view), as on a road: identical passes would
  // cover exactly the same pixels at the same phase every slot, which no real lane does.
  const seconds = o.inViewSeconds * (0.8 + 0.1 * (i % 4));
  const from = i * o.everySeconds + (o.everySeconds - seconds) / 2;
  return { from, to: from + seconds };
}

/** A dark vehicle body with the plate low in its middle, as a PNG. */
async function vehiclePng(plate: LanePlate, plateHeight: number): Promise<{ png: Buffer; height: number }> {
  const crop = await renderPlateCrop({ text: plate.text, colour: plate.colour, height: plateHeight, jpegQuality: 85 });
  const width = Math.round(crop.width * 3.2);
  const height = Math.round(crop.height * 4);
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="${width}" height="${height}" rx="${Math.round(height / 8)}" fill="#3a3f46"/>
  <rect x="${Math.round(width * 0.12)}" y="${Math.round(height * 0.1)}" width="${Math.round(width * 0.76)}" height="${Math.round(height * 0.3)}" fill="#20262c"/></svg>`;
  const plateBuf = await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } })
    .png()
    .toBuffer();
  const png = await sharp(Buffer.from(body))
    .composite([
      {
        input: plateBuf,
        left: Math.round((width - crop.width) / 2),
        top: Math.round(height - crop.height * 1.5),
      },
    ])
    .png()
    .toBuffer();
  return { png, height };
}

/**
 * Writes dir/lane.mp4 (H.264, no B-frames, a keyframe each second, as the RTSP fixtures are): on a grey road
 * with lane marks, each vehicle drives down through the frame during its time in view.
 */
export async function writeLaneVideo(dir: string, plates: LanePlate[], o: LaneOptions): Promise<string> {
  const inputs: string[] = [];
  const chain = [
    `[0:v]drawbox=x=iw*0.2:y=0:w=6:h=ih:color=white@0.8:t=fill,drawbox=x=iw*0.8:y=0:w=6:h=ih:color=white@0.8:t=fill[road]`,
  ];
  let last = 'road';
  for (const [i, plate] of plates.entries()) {
    const { png, height } = await vehiclePng(plate, o.plateHeight);
    const file = path.join(dir, `lane-${i}.png`);
    await writeFile(file, png);
    inputs.push('-loop', '1', '-framerate', String(o.fps), '-i', file);
    const { from, to } = inView(i, o);
    // From just above the frame to just below it over the time in view.
    const speed = ((o.height + height) / (to - from)).toFixed(2);
    const out = `v${i}`;
    chain.push(
      `[${last}][${i + 1}:v]overlay=x=(W-w)/2:y=-h+(t-${from})*${speed}:enable='between(t,${from},${to})'[${out}]`,
    );
    last = out;
  }
  const file = path.join(dir, 'lane.mp4');
  const seconds = plates.length * o.everySeconds;
  await encodeOverlays(file, { ...o, seconds, road: '0x6e6e6e' }, inputs, chain, last);
  return file;
}
