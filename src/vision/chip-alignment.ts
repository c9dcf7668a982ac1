// The model stamp of a face embedding: the embedder's manifest name and how its chip was aligned.
//
// Embeddings of one recognition net on differently cut chips are not comparable (the box chip and the
// 68-landmark chip put the face at different places and sizes), so the stamp stored with enrolled photos
// and carried by live faces names both. It is plain data, so an API-only process can compute it
// without loading ONNX code.

/** Bump when the landmark chip's geometry changes: stored embeddings then count as another model's. */
export const LANDMARK_CHIP_VERSION = 1;

/**
 * `faceapi-recognition` for the box chip (the stamp embeddings had before landmarks), else
 * `faceapi-recognition+faceapi-landmarks.1` (embedder, landmark net, chip version).
 */
export function embeddingModel(embedder: string, landmarks: string | null = 'faceapi-landmarks'): string {
  return landmarks ? `${embedder}+${landmarks}.${LANDMARK_CHIP_VERSION}` : embedder;
}
