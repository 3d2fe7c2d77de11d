import { describe, it, expect } from 'vitest';
import { createProgress, formatDuration } from '../../src/report/progress.js';
import type { ProgressOptions } from '../../src/report/progress.js';

interface FakeStream {
  isTTY?: boolean;
  columns?: number;
  writes: Array<{ t: number; s: string }>;
  write(s: string): boolean;
}

function setup(opts: { tty: boolean; columns?: number }) {
  const clock = { t: 10_000 }; // arbitrary non-zero origin
  const stream: FakeStream = {
    isTTY: opts.tty,
    columns: opts.columns,
    writes: [],
    write(s: string) {
      this.writes.push({ t: clock.t, s });
      return true;
    },
  };
  const make = (o: Partial<ProgressOptions> = {}) =>
    createProgress({
      total: 70_000,
      label: 'run',
      stream: stream as unknown as ProgressOptions['stream'],
      now: () => clock.t,
      ...o,
    });
  const out = () => stream.writes.map((w) => w.s).join('');
  return { clock, stream, make, out };
}

/** Drive `updates` evenly spaced updates over `ms` simulated milliseconds, then finish. */
function simulate(env: ReturnType<typeof setup>, p: ReturnType<ReturnType<typeof setup>['make']>, updates: number, ms: number, total = 70_000) {
  const t0 = env.clock.t;
  for (let i = 1; i <= updates; i++) {
    env.clock.t = t0 + (ms * i) / updates;
    p.update(Math.round((total * i) / updates));
  }
  p.finish();
}

describe('createProgress', () => {
  it('unit null shows the fraction without a count (the SVD before a run), on a terminal and in a log', () => {
    const plain = setup({ tty: false });
    simulate(plain, plain.make({ unit: null, label: 'c.json: SVD of the 900×900 target', total: 1000 }), 100, 10_000, 1000);
    expect(plain.out()).toMatch(/^c\.json: SVD of the 900×900 target: \d+% \(\d+\.\d s\)\n/);
    expect(plain.out()).not.toMatch(/\/1000/);
    const tty = setup({ tty: true, columns: 100 });
    simulate(tty, tty.make({ unit: null, label: 'svd', total: 1000 }), 100, 10_000, 1000);
    expect(tty.out()).toMatch(/svd \[=+\] 100%  in 10\.0 s\n$/);
  });

  it('prints nothing when quiet', () => {
    for (const tty of [true, false]) {
      const env = setup({ tty });
      simulate(env, env.make({ quiet: true }), 1000, 20_000);
      expect(env.stream.writes).toHaveLength(0);
    }
  });

  it('prints nothing for runs shorter than delayMs', () => {
    for (const tty of [true, false]) {
      const env = setup({ tty });
      simulate(env, env.make(), 1000, 900);
      expect(env.stream.writes).toHaveLength(0);
      const env2 = setup({ tty });
      simulate(env2, env2.make({ delayMs: 5000 }), 1000, 4900);
      expect(env2.stream.writes).toHaveLength(0);
    }
  });

  it('does print for runs just past delayMs', () => {
    for (const tty of [true, false]) {
      const env = setup({ tty });
      simulate(env, env.make(), 1000, 1500);
      expect(env.stream.writes.length).toBeGreaterThan(0);
      expect(env.out()).toMatch(/\n$/);
    }
  });

  it('on a TTY redraws one line with \\r, throttled, and ends with a newline', () => {
    const env = setup({ tty: true, columns: 100 });
    simulate(env, env.make(), 10_000, 5000); // an update every 0.5 ms
    const w = env.stream.writes;
    expect(w.length).toBeGreaterThan(10);
    expect(w.length).toBeLessThanOrEqual((5000 - 1000) / 100 + 2);
    for (let i = 1; i < w.length - 1; i++) expect(w[i].t - w[i - 1].t).toBeGreaterThanOrEqual(100);
    for (const x of w) expect(x.s.startsWith('\r')).toBe(true);
    expect(w.slice(0, -1).every((x) => !x.s.includes('\n'))).toBe(true);
    expect(env.out().endsWith('\n')).toBe(true);
    expect(env.out().match(/\n/g)).toHaveLength(1);
    const mid = w[Math.floor(w.length / 2)].s;
    expect(mid).toMatch(/^\rrun \[[=> ]+\]\s+\d+%\s+\d+\/70000 steps\s+ETA \d/);
    const last = w[w.length - 1].s;
    expect(last).toContain('100%');
    expect(last).toContain('70000/70000 steps');
    expect(last).toContain('5.0 s');
    // every line fits the terminal width so \r redraws work
    for (const x of w) expect(x.s.replace(/[\r\n]/g, '').length).toBeLessThan(100);
  });

  it('on a narrow TTY never exceeds the width', () => {
    const env = setup({ tty: true, columns: 30 });
    simulate(env, env.make({ label: 'a very long experiment label' }), 1000, 3000);
    expect(env.stream.writes.length).toBeGreaterThan(0);
    for (const x of env.stream.writes) expect(x.s.replace(/[\r\n]/g, '').length).toBeLessThan(30);
  });

  it('off a TTY writes sparse plain lines', () => {
    const env = setup({ tty: false });
    simulate(env, env.make(), 1000, 20_000);
    const w = env.stream.writes;
    const text = env.out();
    expect(text).not.toContain('\r');
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(w.length);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < w.length - 1; i++) expect(w[i].t - w[i - 1].t).toBeGreaterThanOrEqual(2000);
    for (const l of lines) expect(l).toMatch(/^run: \d+% \(\d+\/70000 steps, [\d.]+ s\)$/);
    const pcts = lines.map((l) => Number(/: (\d+)%/.exec(l)![1]));
    for (let i = 1; i < pcts.length; i++) expect(pcts[i] - pcts[i - 1]).toBeGreaterThanOrEqual(10);
    expect(lines[lines.length - 1]).toBe('run: 100% (70000/70000 steps, 20.0 s)');
  });

  it('off a TTY respects the 2 s gap even when progress jumps', () => {
    const env = setup({ tty: false });
    // 100 % of the way in 3 s, but progress arrives in 10 % jumps every 300 ms
    simulate(env, env.make(), 10, 3000);
    const lines = env.out().split('\n').filter((l) => l !== '');
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines[lines.length - 1]).toContain('100%');
  });

  it('ignores updates after finish and a second finish', () => {
    const env = setup({ tty: true });
    const p = env.make();
    simulate(env, p, 100, 3000);
    const n = env.stream.writes.length;
    env.clock.t += 10_000;
    p.update(10);
    p.finish();
    expect(env.stream.writes).toHaveLength(n);
  });

  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(245_000)).toBe('4m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(NaN)).toBe('--');
  });
});
