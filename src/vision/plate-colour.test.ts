// Plate colour on rendered plates of every colour, clean and degraded, and the grammar cross-check.
import { describe, expect, it } from 'vitest';
import { classifyPlateColour, colourFromGrammar, normalisePlateColour } from './plate-colour.js';
import { renderPlateCrop, type PlateColour } from './plate-render.js';

const plates: { colour: PlateColour; text: string }[] = [
  { colour: 'blue', text: '粤B12345' },
  { colour: 'yellow', text: '京A6789Z' },
  { colour: 'green', text: '沪AD12345' },
  { colour: 'white', text: '浙A1234警' },
  { colour: 'black', text: '粤Z1234港' },
];

describe('classifyPlateColour', () => {
  for (const p of plates) {
    it(`reads a rendered ${p.colour} plate from its pixels, clean and degraded`, async () => {
      const clean = await renderPlateCrop({ text: p.text, colour: p.colour });
      expect(classifyPlateColour(clean).colour).toBe(p.colour);
      const rough = await renderPlateCrop({
        text: p.text,
        colour: p.colour,
        blur: 1,
        jpegQuality: 60,
        rotate: 4,
        dirt: 0.3,
      });
      expect(classifyPlateColour(rough).colour).toBe(p.colour);
      expect(classifyPlateColour(rough, p.text).colour).toBe(p.colour);
    });
  }

  it('an 8-character plate is green by the grammar when the pixels say otherwise', async () => {
    const crop = await renderPlateCrop({ text: '粤B12345', colour: 'blue' });
    expect(classifyPlateColour(crop, '粤BD12345')).toEqual({ colour: 'green', confidence: 0.6 });
  });

  it('answers unknown for a crop of no plate colour', () => {
    const crop = { width: 40, height: 12, data: Buffer.alloc(40 * 12 * 3, 128) };
    for (let i = 0; i < crop.data.length; i += 3) crop.data[i] = 200; // reddish flat
    expect(classifyPlateColour(crop).colour).toBe('unknown');
  });
});

describe('colour vocabularies', () => {
  it("folds cameras' names to the plate colours", () => {
    expect(normalisePlateColour('Blue')).toBe('blue');
    expect(normalisePlateColour('蓝色')).toBe('blue');
    expect(normalisePlateColour('newEnergy')).toBe('green');
    expect(normalisePlateColour('other')).toBe('unknown');
    expect(colourFromGrammar('粤B1234学')).toBe('yellow');
    expect(colourFromGrammar('粤B12345')).toBeNull();
  });
});
