/**
 * Deterministic text widths for SVG layout. A standalone SVG cannot ask the viewer's font how wide
 * a string is, so the plots lay text out from a width table: per character, the *largest* advance
 * among DejaVu Sans, Liberation Sans (Arial's metrics), the browser's system-ui and Helvetica/Arial,
 * measured once in Chromium (canvas measureText at 100 px, rounded up, in thousandths of an em).
 * Laying out with the widest of the usual sans-serif fonts means text placed by these numbers
 * never overruns its box in any of them; it only leaves a little air in the narrower ones.
 * Characters outside the table count as a full em (wide, so still safe).
 */

/** Advances of U+0020 … U+007E, regular weight. */
const ASCII_REGULAR: readonly number[] = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337,
  637, 637, 637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 557,
  1016, 685, 687, 723, 771, 667, 611, 778, 752, 295, 500, 667, 558, 863, 749, 788,
  667, 788, 723, 667, 611, 732, 685, 989, 686, 667, 686, 391, 337, 391, 838, 557,
  500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612,
  635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838,
];

/** Advances of U+0020 … U+007E, bold. */
const ASCII_BOLD: readonly number[] = [
  349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366,
  696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611,
  1000, 774, 763, 734, 831, 684, 684, 821, 837, 373, 557, 775, 638, 996, 837, 851,
  733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838, 557,
  500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666, 343, 1042, 712, 688,
  716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838,
];

/** The non-ASCII characters the plots use (Greek, sub/superscripts, maths), and their advances. */
const EXTRA_CHARS = '§²³¹µ·¼½¾×÷±°ΣΔΩαβγδεηθλμπρστφχψωᵀ–—‘’“”‖…⁰⁴⁵⁶⁷⁸⁹⁻₀₁₂₃₄₅₆₇₈₉→←↑↓∇−√≈≤≥∞∑∏∫∂⅓⅔⅕⅛∗∘⋅≠≪≫';
const EXTRA_REGULAR: readonly number[] = [
  557, 401, 401, 401, 637, 318, 970, 970, 970, 838, 838, 838, 500, 632, 685, 765,
  660, 639, 592, 612, 541, 634, 612, 592, 637, 690, 635, 634, 603, 660, 578, 713,
  838, 385, 557, 1000, 318, 318, 519, 519, 500, 1000, 401, 401, 401, 401, 401, 401,
  401, 528, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 1000, 1000, 838, 838,
  669, 838, 638, 838, 838, 838, 834, 713, 824, 521, 518, 970, 970, 970, 970, 838,
  626, 318, 838, 1047, 1047,
];
const EXTRA_BOLD: readonly number[] = [
  557, 438, 438, 438, 736, 380, 1036, 1036, 1036, 838, 838, 838, 500, 684, 774, 851,
  688, 716, 682, 688, 557, 712, 688, 633, 736, 792, 716, 779, 639, 783, 646, 794,
  870, 430, 557, 1000, 380, 380, 658, 658, 500, 1000, 438, 438, 438, 438, 438, 438,
  438, 528, 438, 438, 438, 438, 438, 438, 438, 438, 438, 438, 1000, 1000, 838, 838,
  697, 838, 667, 838, 838, 838, 834, 718, 824, 610, 544, 1036, 1036, 1036, 1036, 838,
  626, 380, 838, 1047, 1047,
];

const UNKNOWN = 1000;

function advance(cp: number, bold: boolean): number {
  if (cp >= 0x20 && cp <= 0x7e) return (bold ? ASCII_BOLD : ASCII_REGULAR)[cp - 0x20];
  const i = EXTRA_CHARS.indexOf(String.fromCodePoint(cp));
  return i < 0 ? UNKNOWN : (bold ? EXTRA_BOLD : EXTRA_REGULAR)[i];
}

/** Width in px of `text` set at `fontSize` px (an upper bound over the usual sans-serif fonts). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let milliEm = 0;
  for (const ch of text) milliEm += advance(ch.codePointAt(0)!, bold);
  return (milliEm * fontSize) / 1000;
}

/**
 * Break `text` into lines no wider than `maxWidth` px, at spaces (a comma or semicolon stays at the
 * end of its line); a word wider than a whole line is split between characters. Never drops text.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number, bold = false): string[] {
  const words = text.split(' ').filter((w) => w !== '');
  const lines: string[] = [];
  let cur = '';
  for (const word of words) {
    const candidate = cur === '' ? word : `${cur} ${word}`;
    if (textWidth(candidate, fontSize, bold) <= maxWidth) {
      cur = candidate;
      continue;
    }
    if (cur !== '') lines.push(cur);
    cur = '';
    // A word too wide for a line of its own is cut wherever the line is full.
    let rest = word;
    while (textWidth(rest, fontSize, bold) > maxWidth) {
      const chars = [...rest];
      let n = 1;
      while (n < chars.length && textWidth(chars.slice(0, n + 1).join(''), fontSize, bold) <= maxWidth) n++;
      lines.push(chars.slice(0, n).join(''));
      rest = chars.slice(n).join('');
    }
    cur = rest;
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}
