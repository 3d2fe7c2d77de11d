import { expect, it } from 'vitest';
import { sensingIncremental } from '../../src/presets/sensingIncremental.js';

it('sensing-incremental (quick): the singular values are learned one at a time, largest first', async () => {
  const out = await sensingIncremental.run({ quick: true });
  const { learned, oneAtATime } = out.json as { learned: Array<{ halfStep: number; smallerAtThatStep: number[] }>; oneAtATime: boolean };
  expect(oneAtATime).toBe(true);
  expect(learned[0].halfStep).toBeLessThan(learned[1].halfStep);
  expect(learned[1].halfStep).toBeLessThan(learned[2].halfStep);
  // When s1 is half learned, s2 and s3 are still near their small start.
  expect(learned[0].smallerAtThatStep[0]).toBeLessThan(0.02);
  expect(out.summary).toContain('one at a time: yes');
  expect(out.svg['singular-values']).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
  expect(out.csv['singular-values'].split('\n')[0]).toBe('step,loss,s1,s2,s3');
});
