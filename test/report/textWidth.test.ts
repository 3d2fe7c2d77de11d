import { describe, expect, it } from 'vitest';
import { textWidth, wrapText } from '../../src/report/textWidth.js';

describe('textWidth', () => {
  it('adds per-character advances and scales with the font size', () => {
    expect(textWidth('', 12)).toBe(0);
    expect(textWidth('ab', 12)).toBeCloseTo(textWidth('a', 12) + textWidth('b', 12), 12);
    expect(textWidth('flatmin', 24)).toBeCloseTo(2 * textWidth('flatmin', 12), 12);
    expect(textWidth('W', 12, true)).toBeGreaterThan(textWidth('W', 12));
  });

  it('knows the plots\' maths characters, and counts unknown ones as a full em', () => {
    for (const c of '‖²ᵀσηλ…≤√∇⅕×·→') expect(textWidth(c, 10), c).toBeLessThan(10.5);
    expect(textWidth('漢', 10)).toBe(10);
    expect(textWidth('🎲', 10)).toBe(10); // one code point, not two UTF-16 units
  });
});

describe('wrapText', () => {
  it('keeps short text on one line', () => {
    expect(wrapText('GD, X×5, Y×⅕', 500, 12)).toEqual(['GD, X×5, Y×⅕']);
  });

  it('breaks at spaces, every line within the width, no word lost', () => {
    const text = 'perturbed GD, wrong minimum from the generating SVD of the target';
    const lines = wrapText(text, 120, 12);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(text);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(120);
  });

  it('splits a word wider than a whole line between characters', () => {
    const word = 'a'.repeat(40);
    const lines = wrapText(word, 60, 12);
    expect(lines.join('')).toBe(word);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(60);
  });
});
