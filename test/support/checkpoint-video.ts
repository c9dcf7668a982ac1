// A checkpoint lane on video, made for a test: vehicles carrying rendered plates drive down through the frame one after another.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { type PlateColour, type PlateLayout, renderPlateCrop } from '../../src/vision/plate-render.js';

const run = promisify(execFile);

export interface LaneVehicle {
  plate: string;
  colour: PlateColour;
  layout?: PlateLayout;
  /** Plate height in the video's pixels. */
  height: number;
}

export interface LaneVideo {
  width: number;
  height: number;
  /** Seconds each vehicle is in view; the video is vehicles.length times this long. */
  secondsEach: number;
  fps: number;
}

/** A vehicle body (dark, rounded) with its plate low in the middle, as a PNG. */
async function vehiclePng(v: LaneVehicle): Promise<{ png: Buffer; width: number; height: number }> {
  const plate = await renderPlateCrop({ text: v.plate, colour: v.colour, layout: v.layout, height: v.height });
  const width = Math.round(plate.width * 3.2);
  const height = Math.round(plate.height * 3.5);
  const body = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="${width}" height="${height}" rx="${Math.round(height / 8)}" fill="#3a3f46"/></svg>`;
  const plateBuf = await sharp(plate.data, { raw: { width: plate.width, height: plate.height, channels: 3 } })
    .png()
    .toBuffer();
  const png = await sharp(Buffer.from(body))
    .composite([
      { input: plateBuf, left: Math.round((width - plate.width) / 2), top: height - plate.height - plate.height / 2 },
    ])
    .png()
    .toBuffer();
  return { png, width, height };
}

/**
 * Writes an H.264 MP4 of the lane to dir/name.mp4: on a grey road, each vehicle in turn enters
 * at the top and drives down at a steady pace, its plate readable all the way, with the road
 * empty for a moment between vehicles (the camera has something to wake for and to idle on).
 */
export async function writeLaneVideo(
  dir: string,
  name: string,
  vehicles: LaneVehicle[],
  v: LaneVideo,
): Promise<string> {
  const inputs: string[] = [];
  const chain: string[] = [];
  let last = '0:v';
  for (const [i, vehicle] of vehicles.entries()) {
    const { png, height } = await vehiclePng(vehicle);
    const file = path.join(dir, `${name}-${i}.png`);
    await writeFile(file, png);
    inputs.push('-loop', '1', '-i', file);
    const from = i * v.secondsEach + 0.5;
    const to = (i + 1) * v.secondsEach - 0.5;
    // From a fifth of the height down to leave the frame's middle: about 40 px per second at 1080.
    const y0 = Math.round(v.height * 0.15);
    const speed = ((v.height * 0.85 - height - y0) / (to - from)).toFixed(2);
    const out = `v${i}`;
    chain.push(
      `[${last}][${i + 1}:v]overlay=x=(W-w)/2:y=${y0}+(t-${from})*${speed}:enable='between(t,${from},${to})'[${out}]`,
    );
    last = out;
  }
  const file = path.join(dir, `${name}.mp4`);
  await encodeOverlays(file, { ...v, seconds: vehicles.length * v.secondsEach, road: '0x8c8c8c' }, inputs, chain, last);
  return file;
}

/**
 * H.264 MP4 (no B-frames, a keyframe each second, as the RTSP fixtures are) of a plain road with the inputs
 * overlaid by the filter chain, whose last output is named `last`; shared with bench/checkpoint-lane.ts.
 */
export async function encodeOverlays(
  file: string,
  v: { width: number; height: number; fps: number; seconds: number; road: string },
  inputs: string[],
  chain: string[],
  last: string,
): Promise<void> {
  await run('ffmpeg', [
    ...['-y', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', `color=c=${v.road}:s=${v.width}x${v.height}:r=${v.fps}:d=${v.seconds}`],
    ...inputs,
    ...['-filter_complex', chain.join(';'), '-map', `[${last}]`, '-t', String(v.seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-bf', '0', '-g', String(v.fps), '-pix_fmt', 'yuv420p'],
    file,
  ]);
}
