// What the recorder asks of its config block (src/config/recording.ts): the block of a loaded config, a camera's mode.
import { recordingSchema, type RecordingConfig, type RecordingMode } from '../config/recording.js';
import type { Config } from '../config/schema.js';

export type { RecordingConfig, RecordingMode };

/** The recording block of a loaded config (parsed again when a hand-built config leaves it out). */
export function recordingConfigOf(config: Config): RecordingConfig {
  const raw = (config as Config & { recording?: unknown }).recording;
  return recordingSchema.parse(raw ?? {});
}

export function modeOf(rec: RecordingConfig, cameraId: string): RecordingMode {
  return rec.modes[cameraId] ?? rec.defaultMode;
}
