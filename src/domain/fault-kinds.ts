// The image and stream faults a camera can have, by name (pure: config, store and API share them).

/** The faults judged from the decoded frames (picture and frame rate). */
export const FRAME_FAULT_KINDS = [
  'frozen',
  'black',
  'overexposed',
  'blurred',
  'covered',
  'moved',
  'colour',
  'noise',
  'framerate',
] as const;
export type FrameFaultKind = (typeof FRAME_FAULT_KINDS)[number];

/** Every fault: the frame faults and the camera's clock against the node's (from RTCP sender reports). */
export const FAULT_KINDS = [...FRAME_FAULT_KINDS, 'clockDrift'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One line per fault for people (work orders, the page, the README table). */
export const FAULT_MEANING: Record<FaultKind, string> = {
  frozen: 'the picture does not change at all while the camera streams (no sensor noise)',
  black: 'the picture is black or nearly so',
  overexposed: 'the picture is over-exposed or washed out',
  blurred: 'the picture is much less sharp than this camera usually is (focus, dirty or fogged lens)',
  covered: 'a large part of the picture has lost all its detail (covered or obstructed lens)',
  moved: "the scene no longer matches the camera's reference view (moved or turned)",
  colour: 'the picture has lost its colour in daylight or has a strong colour cast',
  noise: 'the picture is much noisier than this camera usually is (interference, failing sensor)',
  framerate: 'the camera sends far fewer new frames than configured, or with long gaps',
  clockDrift: "the camera's clock (the time it stamps on its footage) is far from the node's",
};
