// A camera as the rest of Vigil reads it (alerts, dispatch, interception, stream filters): the summary record.
export type CameraKind = 'street' | 'checkpoint';
export type CheckpointLevel = 1 | 2 | 3;

export interface Camera {
  id: string;
  name: string;
  kind: CameraKind;
  /** 1, 2 or 3 for a checkpoint camera; null for a street camera. */
  checkpointLevel: CheckpointLevel | null;
  lat: number;
  lon: number;
  /** One-way heading (compass degrees) of the road the camera watches; null when unknown or two-way. */
  heading: number | null;
  district: string;
  grid: string | null;
}
