// Helpers shared by the benchmarks: numeric arguments, percentiles, a repeatable random source,
// and the config of a one-checkpoint node with two units around it.

/** `--name=N` from the benchmark's arguments, or the fallback. */
export const numArg = (args: string[], name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

/** The p-th percentile (0-100) of xs, nearest rank. */
export const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** xorshift32 from a fixed seed: repeatable across runs, so figures compare. Returns 0..n-1. */
export function seededRandom(seed = 20261124): (n: number) => number {
  let s = seed;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/**
 * A node with checkpoint gate-1 reading rtsp://127.0.0.1:PORT/checkpoint, units u1 (~200 m) and u2
 * (~1.5 km), and the listed plates; `streams` says whether the demo RTSP server plays the fixture.
 */
export function checkpointNodeYaml(rtspPort: number, opts: { streams: boolean; hotlist: string[] }): string {
  return `
plates: { fuseWindowSeconds: 3 }
dispatch: { ackTimeoutSeconds: 600 }
cameras:
  - { id: gate-1, name: Gate, source: "rtsp://127.0.0.1:${rtspPort}/checkpoint", kind: checkpoint, checkpointLevel: 1, lat: 22.5431, lon: 114.0579, district: d,
      analysis: { plates: true, fps: 5, width: 1280, height: 720, roi: { x: 0.1, y: 0, width: 0.8, height: 1 } } }
units: [{ id: u1, callsign: U1, type: car, homeGrid: g }, { id: u2, callsign: U2, type: car, homeGrid: g }]
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: ${opts.streams ? '[{ mount: checkpoint, file: fixtures/media/checkpoint.mp4 }]' : '[]'}
  hotlist:
${opts.hotlist.map((plate, i) => `    - { plate: ${plate}, category: ${i === 0 ? 'stolen_vehicle' : 'wanted'}, reason: bench, priority: ${i + 1} }`).join('\n')}
  positions: [{ unit: u1, lat: 22.545, lon: 114.058 }, { unit: u2, lat: 22.55, lon: 114.07 }]
`;
}
