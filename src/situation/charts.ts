// Plain SVG charts for the situation report (no scripts, no CDN): a grid x hour heat map, share bars, and
// escaping for everything written into the markup.
export const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);

/** Empty cells pale; the rest from amber (few) to red (the busiest). */
function heatFill(n: number, max: number): string {
  if (!n || !max) return '#f3f4f6';
  const f = Math.min(1, n / max);
  return `hsl(${Math.round(45 - 45 * f)}, 90%, ${Math.round(70 - 28 * f)}%)`;
}

/** Rows = grids, columns = hours 0-23; each cell's count written in it. */
export function heatMap(grids: readonly string[], counts: number[][], title: string): string {
  const cell = 22;
  const left = 48;
  const top = 18;
  const max = Math.max(0, ...counts.flat());
  const width = left + 24 * cell + 4;
  const height = top + grids.length * cell + 4;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart heat" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  ];
  for (let h = 0; h < 24; h++)
    parts.push(
      `<text x="${left + h * cell + cell / 2}" y="12" font-size="9" text-anchor="middle" fill="#555">${h}</text>`,
    );
  grids.forEach((g, r) => {
    const y = top + r * cell;
    parts.push(
      `<text x="${left - 6}" y="${y + cell / 2 + 4}" font-size="11" text-anchor="end" fill="#222">${esc(g)}</text>`,
    );
    for (let h = 0; h < 24; h++) {
      const n = counts[r][h];
      parts.push(
        `<rect x="${left + h * cell}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${heatFill(n, max)}"><title>${esc(g)} ${h}:00 ${n}</title></rect>`,
      );
      if (n)
        parts.push(
          `<text x="${left + h * cell + cell / 2}" y="${y + cell / 2 + 4}" font-size="10" text-anchor="middle" fill="#111">${n}</text>`,
        );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface Bar {
  label: string;
  /** 0..1, or null for no data. */
  value: number | null;
  note?: string;
}

/** Horizontal bars of shares, a dashed line at the target when given. */
export function shareBars(bars: readonly Bar[], title: string, target?: number): string {
  const rowH = 20;
  const left = 110;
  const span = 300;
  const width = left + span + 90;
  const height = bars.length * rowH + 8;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  ];
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const w = b.value === null ? 0 : Math.max(0, Math.min(1, b.value)) * span;
    const colour = b.value === null ? '#ccc' : b.value >= 0.9 ? '#2e7d32' : b.value >= 0.6 ? '#f9a825' : '#c62828';
    parts.push(
      `<text x="${left - 6}" y="${y + 13}" font-size="11" text-anchor="end" fill="#222">${esc(b.label)}</text>`,
    );
    parts.push(`<rect x="${left}" y="${y + 2}" width="${span}" height="${rowH - 6}" fill="#eee"/>`);
    parts.push(`<rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${colour}"/>`);
    parts.push(
      `<text x="${left + span + 6}" y="${y + 13}" font-size="11" fill="#222">${esc(pct(b.value))}${b.note ? ` ${esc(b.note)}` : ''}</text>`,
    );
  });
  if (target !== undefined)
    parts.push(
      `<line x1="${left + target * span}" y1="0" x2="${left + target * span}" y2="${height}" stroke="#333" stroke-dasharray="3 3"/>`,
    );
  parts.push('</svg>');
  return parts.join('');
}
