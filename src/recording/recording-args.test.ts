// Unit: the recorder's ffmpeg arguments (copy, TCP, segments, list on stdout) and the clip join's.
import { describe, expect, it } from 'vitest';
import { buildConcatArgs, buildRecordArgs } from './recording-args.js';

const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildRecordArgs', () => {
  it('copies an RTSP stream over TCP into MPEG-TS segments listed on stdout', () => {
    const args = buildRecordArgs({
      source: 'rtsp://cam/1',
      segmentSeconds: 60,
      outPattern: '/rec/cam/.incoming/r1-%06d.ts',
    });
    expect(after(args, '-rtsp_transport')).toBe('tcp');
    expect(after(args, '-c')).toBe('copy');
    expect(after(args, '-f')).toBe('segment');
    expect(after(args, '-segment_time')).toBe('60');
    expect(after(args, '-reset_timestamps')).toBe('1');
    expect(after(args, '-segment_list')).toBe('pipe:1');
    expect(after(args, '-segment_list_type')).toBe('csv');
    expect(args.at(-1)).toBe('/rec/cam/.incoming/r1-%06d.ts');
    expect(args).not.toContain('-re');
  });

  it('plays files in real time, looped, like a camera, and refuses a pattern without a counter', () => {
    const args = buildRecordArgs({ source: 'file:///media/a.mp4', segmentSeconds: 2, outPattern: '/x/r-%06d.ts' });
    expect(args.slice(args.indexOf('-re'), args.indexOf('-re') + 5)).toEqual([
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      '/media/a.mp4',
    ]);
    expect(() => buildRecordArgs({ source: 'rtsp://c', segmentSeconds: 2, outPattern: '/x/a.ts' })).toThrow(/%06d/);
    expect(() => buildRecordArgs({ source: 'rtsp://c', segmentSeconds: 0, outPattern: '/x/%06d.ts' })).toThrow(
      RangeError,
    );
  });
});

describe('buildConcatArgs', () => {
  it('joins by stream copy into a faststart MP4 with progress on stdout', () => {
    const args = buildConcatArgs({ listFile: '/t/l.ffconcat', out: '/t/o.mp4', metadata: { title: 'case 7' } });
    expect(after(args, '-f')).toBe('concat');
    expect(after(args, '-c')).toBe('copy');
    expect(after(args, '-movflags')).toBe('+faststart');
    expect(after(args, '-metadata')).toBe('title=case 7');
    expect(after(args, '-progress')).toBe('pipe:1');
    expect(args.at(-1)).toBe('/t/o.mp4');
  });
});
