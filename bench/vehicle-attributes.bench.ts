// CPU time the camera path adds per plate read (plate colour, vehicle type and colour) and per vehicle sighting
// (vehicle colour), measured with process.cpuUsage over many calls on a 1280x720 frame.
import type { Box, RgbImage } from '../src/domain/frame.js';
import { readAttributes, sightingColour } from '../src/pipeline/vehicle-attributes.js';
import { renderPlateCrop } from '../src/vision/plate-render.js';
import type { BenchContext } from './run.js';
import { numArg, seededRandom } from './common.js';

function noisyFrame(width: number, height: number): RgbImage {
  const rand = seededRandom();
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rand(256);
  return { data, width, height };
}

/** CPU microseconds (user + system) per call of fn over n calls. */
function cpuPerCall(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(50, n); i++) fn();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / n) * 10) / 10;
}

export default async function vehicleAttributes(ctx: BenchContext) {
  const n = numArg(ctx.args, 'calls', 2000);
  const frame = noisyFrame(1280, 720);
  const crop = await renderPlateCrop({ text: '粤B12345', colour: 'blue' });
  const car = { label: 'car', box: [400, 200, 800, 500] as Box };
  const sightingCrop = noisyFrame(440, 330);
  return {
    calls: n,
    frame: '1280x720',
    plateCrop: `${crop.width}x${crop.height}`,
    vehicleBox: '400x300',
    cpuMicrosPerRead: {
      plateColourOnly: cpuPerCall(n, () => readAttributes({ crop, text: '粤B12345' }, frame, null, false)),
      withVehicle: cpuPerCall(n, () => readAttributes({ crop, text: '粤B12345' }, frame, car, false)),
    },
    cpuMicrosPerSighting: cpuPerCall(n, () => sightingColour('car', sightingCrop)),
    note: 'per plate-read event sent (a new or improved pass), not per frame; per ended vehicle track',
  };
}
