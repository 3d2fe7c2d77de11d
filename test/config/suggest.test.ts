import { describe, it, expect } from 'vitest';
import { levenshtein, nearest } from '../../src/config/suggest.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['sigmaX', 'sigmaY', 1],
    ['perturbed_gd', 'perturbed-gd', 1],
    ['abc', 'abc', 0],
  ])('levenshtein(%j, %j) = %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('nearest', () => {
  const top = ['problem', 'init', 'optimizer', 'seed', 'backend', 'recordEvery', 'description'];
  it.each([
    ['recordevery', top, 'recordEvery'], // case only
    ['optimiser', top, 'optimizer'],
    ['seeds', top, 'seed'],
    ['probelm', top, 'problem'],
    ['perturbed_gd', ['gd', 'perturbed-gd'], 'perturbed-gd'],
    ['sigmax', ['sigmaX', 'sigmaY'], 'sigmaX'], // case-sensitive distance breaks the tie
    ['SIGMAY', ['sigmaX', 'sigmaY'], 'sigmaY'],
    ['wsam', ['wasm', 'reference'], 'wasm'],
  ])('nearest(%j) = %j', (word, cands, want) => {
    expect(nearest(word, cands)).toBe(want);
  });

  it.each([
    ['zzzzzzzz', top], // far from everything
    ['xy', ['lr']], // complete replacement of a short word is no suggestion
    ['foo', top],
    ['anything', []],
  ])('nearest(%j) is undefined', (word, cands) => {
    expect(nearest(word, cands)).toBeUndefined();
  });

  it('allows up to max(2, len/3) edits', () => {
    // 12 letters → limit 4
    expect(nearest('abcdefghijkl', ['abcdefghWXYZ'])).toBe('abcdefghWXYZ');
    expect(nearest('abcdefghijkl', ['abcdefgVWXYZ'])).toBeUndefined();
  });
});
