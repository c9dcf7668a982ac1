// Whole analysis pipeline per node: ffmpeg decode (5 fps) -> motion gate -> centernet -> tracker
// -> plate reads on vehicle tracks, as fast as it goes; analysed frames per second with and without
// motion gating, and how many 5-fps cameras that is. Inputs: ../shared/data/video/*.mp4 and a
// 1080p loop of the checkpoint fixture.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from '../src/domain/frame.js';
import { FrameReader } from '../src/ingest/frame-reader.js';
import { ObjectAnalysis } from '../src/pipeline/object-analysis.js';
import { createObjectDetector, type ObjectDetector } from '../src/vision/object-detector.js';
import { createPlateReader, type PlateReader } from '../src/vision/plate-reader.js';
import type { BenchContext } from './run.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FPS = 5;

interface Run {
  file: string;
  size: string;
  motionGate: boolean;
  frames: number;
  detectorCalls: number;
  seconds: number;
  analysedFps: number;
  camerasAt5Fps: number;
}

async function runOne(
  file: string,
  width: number,
  height: number,
  motionGate: boolean,
  loops: number,
  detector: ObjectDetector,
  reader: PlateReader,
): Promise<Run> {
  let calls = 0;
  const counted: ObjectDetector = {
    model: detector.model,
    labels: detector.labels,
    detect: (img, o) => (calls++, detector.detect(img, o)),
  };
  const analysis = new ObjectAnalysis({ cameraId: 'bench', motionGate, plates: true }, counted, reader, {
    sighting: () => {},
    plate: () => {},
  });
  const args = [
    '-loglevel',
    'error',
    '-stream_loop',
    String(loops - 1),
    '-i',
    file,
    '-vf',
    `fps=${FPS},scale=${width}:${height}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const reader2 = new FrameReader(width * height * 3);
  let seq = 0;
  const started = performance.now();
  for await (const chunk of ff.stdout) {
    ff.stdout.pause();
    for (const data of reader2.push(chunk as Buffer)) {
      const frame: Frame = { cameraId: 'bench', seq, capturedAt: seq * (1000 / FPS), width, height, data };
      seq++;
      await analysis.onFrame(frame);
    }
    ff.stdout.resume();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    file: path.basename(file),
    size: `${width}x${height}`,
    motionGate,
    frames: seq,
    detectorCalls: calls,
    seconds: Number(seconds.toFixed(1)),
    analysedFps: Number((seq / seconds).toFixed(1)),
    camerasAt5Fps: Number((seq / seconds / FPS).toFixed(1)),
  };
}

export default async function pipeline(ctx: BenchContext) {
  const detector = await createObjectDetector();
  const reader = await createPlateReader();
  const inputs: { file: string; width: number; height: number; loops: number }[] = [
    { file: path.join(root, 'fixtures/media/checkpoint.mp4'), width: 1920, height: 1080, loops: 3 },
    { file: path.join(root, 'fixtures/media/checkpoint.mp4'), width: 1280, height: 720, loops: 3 },
  ];
  // --quick: the 720p fixture with the gate only, e.g. to run one copy per core at the same time.
  const quick = ctx.args.includes('--quick');
  if (quick) inputs.splice(0, 1);
  const videoDir = ctx.dataDir && path.join(ctx.dataDir, 'video');
  if (!quick && videoDir && existsSync(videoDir)) {
    for (const f of readdirSync(videoDir).filter((n) => n.endsWith('.mp4')))
      inputs.push({ file: path.join(videoDir, f), width: 1280, height: 720, loops: 1 });
  }
  const runs: Run[] = [];
  for (const input of inputs) {
    for (const gate of quick ? [true] : [true, false]) {
      process.stderr.write(`  ${path.basename(input.file)} ${input.width}x${input.height} gate=${gate}\n`);
      runs.push(await runOne(input.file, input.width, input.height, gate, input.loops, detector, reader));
    }
  }
  return {
    what: 'one process, ORT 1 thread, decode + motion gate + centernet + tracker + plate reads on vehicle tracks, frames as fast as the pipeline takes them',
    target: '>= 20 analysed frames/s per node at 720p',
    runs,
  };
}
