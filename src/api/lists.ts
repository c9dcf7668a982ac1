// How every list answers a page: the rows, the total that match, and the cursor of the next page.

/** Totals are counted up to this many rows: beyond it a count costs more than the page (see `totalExact`). */
export const TOTAL_CAP = 10_000;

/** The next page's offset, or null when this page reaches the end of the total. */
export function nextOffset(offset: number, got: number, total: number): number | null {
  return got > 0 && offset + got < total ? offset + got : null;
}
