// Synthetic face embeddings clustered like real identities, for gallery tests and benchmarks.
//
// Uniform noise on the sphere makes every vector about equally far from every other, which is
// the worst case for an ANN index and nothing like a face gallery, so recall measured on it means
// little. Real face embeddings (face-api's 128-d net, L2-normalised) share a common direction
// (different people still score cosine ~0.75-0.85), identities spread along a decaying spectrum
// of directions (the data has far fewer effective dimensions than coordinates), and images of one
// person vary around that person's centre (cosine ~0.93-0.97) partly along directions shared by
// everyone (pose, light). The generator below reproduces those three traits.

export interface SyntheticOptions {
  dim: number;
  seed?: number;
  /** Cosine between two different people's centres, on average. Default 0.8. */
  interSubjectCosine?: number;
  /** Cosine between two images of one person, on average. Default 0.95. */
  intraSubjectCosine?: number;
}

export interface SyntheticImage {
  id: string;
  subjectId: string;
  vector: Float32Array;
}

/** Seeded normal random numbers (xorshift32 + Box-Muller), repeatable so figures compare across runs. */
export class Gaussian {
  private state: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  uniform(): number {
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return (this.state + 0.5) / 4294967296;
  }
  next(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

const NUISANCE_DIRECTIONS = 8;
/** Share of an image's deviation from its person's centre that runs along the shared nuisance directions. */
const NUISANCE_SHARE = 0.3;

/**
 * A population of identities. `subject(i)` is deterministic in i, so a gallery and the probes of
 * the same people can be drawn separately; `stranger(i)` gives people who are never enrolled.
 */
const imagesOf = (subject: number) => 1 + ((Math.imul(subject + 1, 2654435761) >>> 0) % 7);

/** How many subjects `gallery(size)` enrols, so probes can be drawn from them. */
export function subjectsInGallery(size: number): number {
  let subjects = 0;
  for (let made = 0; made < size; subjects++) made += imagesOf(subjects);
  return subjects;
}

export class SyntheticFaces {
  readonly dim: number;
  private readonly mean: Float32Array;
  /** Row j: a random direction carrying identity variance sigma_j (decaying: 1/sqrt(j+1)). */
  private readonly basis: Float32Array;
  private readonly sigma: Float32Array;
  private readonly nuisance: Float32Array;
  private readonly centreWeight: number;
  private readonly spreadWeight: number;
  private readonly noise: number;
  private readonly seed: number;

  constructor(opts: SyntheticOptions) {
    const d = (this.dim = opts.dim);
    this.seed = opts.seed ?? 20261124;
    const g = new Gaussian(this.seed);
    const randomUnit = () => normalise(Float32Array.from({ length: d }, () => g.next()));
    this.mean = randomUnit();
    this.basis = new Float32Array(d * d);
    for (let j = 0; j < d; j++) this.basis.set(randomUnit(), j * d);
    this.sigma = Float32Array.from({ length: d }, (_, j) => 1 / Math.sqrt(j + 1));
    const total = Math.sqrt(this.sigma.reduce((a, s) => a + s * s, 0));
    for (let j = 0; j < d; j++) this.sigma[j] /= total;
    this.nuisance = new Float32Array(NUISANCE_DIRECTIONS * d);
    for (let j = 0; j < NUISANCE_DIRECTIONS; j++) this.nuisance.set(randomUnit(), j * d);
    // Centre = a*mean + b*spread with |spread| ~ 1, so cos(centre1, centre2) ~ a^2 / (a^2 + b^2).
    const inter = opts.interSubjectCosine ?? 0.8;
    this.centreWeight = Math.sqrt(inter);
    this.spreadWeight = Math.sqrt(1 - inter);
    // Image = centre + e*noise with |noise| ~ 1, so cos(image1, image2) ~ 1 / (1 + e^2).
    this.noise = Math.sqrt(1 / (opts.intraSubjectCosine ?? 0.95) - 1);
  }

  /** The centre of identity `key` (unit length); strangers use a disjoint key space. */
  private centre(key: number): Float32Array {
    const d = this.dim;
    const g = new Gaussian((this.seed ^ Math.imul(key + 1, 2654435761)) >>> 0);
    const c = new Float32Array(d);
    for (let i = 0; i < d; i++) c[i] = this.centreWeight * this.mean[i];
    for (let j = 0; j < d; j++) {
      const w = this.spreadWeight * this.sigma[j] * g.next();
      const row = j * d;
      for (let i = 0; i < d; i++) c[i] += w * this.basis[row + i];
    }
    return normalise(c);
  }

  private image(centre: Float32Array, g: Gaussian): Float32Array {
    const d = this.dim;
    const v = Float32Array.from(centre);
    const iso = (this.noise * Math.sqrt(1 - NUISANCE_SHARE)) / Math.sqrt(d);
    for (let i = 0; i < d; i++) v[i] += iso * g.next();
    const shared = (this.noise * Math.sqrt(NUISANCE_SHARE)) / Math.sqrt(NUISANCE_DIRECTIONS);
    for (let j = 0; j < NUISANCE_DIRECTIONS; j++) {
      const w = shared * g.next();
      for (let i = 0; i < d; i++) v[i] += w * this.nuisance[j * d + i];
    }
    return normalise(v);
  }

  /** `count` images of enrolled subject `subject`; `draw` picks a different set of images (0 = gallery). */
  subjectImages(subject: number, count: number, draw = 0): SyntheticImage[] {
    const centre = this.centre(subject * 2);
    const g = new Gaussian((this.seed ^ Math.imul(subject + 1, 40503) ^ Math.imul(draw + 1, 2246822519)) >>> 0);
    return Array.from({ length: count }, (_, i) => ({
      id: `s${subject}-${draw}-${i}`,
      subjectId: `s${subject}`,
      vector: this.image(centre, g),
    }));
  }

  /** An image of someone who is never enrolled. */
  stranger(i: number): Float32Array {
    const g = new Gaussian((this.seed ^ Math.imul(i + 7, 374761393)) >>> 0);
    return this.image(this.centre(i * 2 + 1), g);
  }

  /**
   * A gallery of about `size` images in batches of `batch`: 1 to 7 images per subject (mean 4),
   * as watchlists mix a single mugshot with several photos of the people who matter most.
   */
  *gallery(size: number, batch = 10_000): Generator<SyntheticImage[]> {
    let out: SyntheticImage[] = [];
    let made = 0;
    for (let subject = 0; made < size; subject++) {
      const count = Math.min(size - made, imagesOf(subject));
      for (const img of this.subjectImages(subject, count)) out.push(img);
      made += count;
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  }
}
