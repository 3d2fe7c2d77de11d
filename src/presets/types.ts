/**
 * A preset: a named, documented experiment, runnable as `flatmin run <name>`. It returns what it
 * found as data; the CLI (or any caller) writes the files. Plots are complete SVG documents from
 * src/report/svg.ts, tables CSV text with a header row.
 */
import type { BackendName, Precision } from '../config/types.js';

export interface PresetOptions {
  /** Overrides every run's backend (`--backend`). */
  backend?: BackendName;
  /** Overrides every run's precision (`--precision`). */
  precision?: Precision;
  /** Shorter horizons and fewer seeds, for tests and a first look (the claim must still show). */
  quick?: boolean;
  /** Workers for presets that run many seeds as an ensemble (default: the machine's cores). */
  workers?: number;
  /** Progress of the whole preset, in steps. */
  onProgress?: (done: number, total: number) => void;
}

export interface PresetOutput {
  /** A few lines for the terminal: the finding next to the theory's prediction. */
  summary: string;
  /** Everything measured, JSON-serializable (written as <name>.json). */
  json: unknown;
  /** File name (without extension) → CSV text (written as <file>.csv). */
  csv: Record<string, string>;
  /** File name (without extension) → SVG document (written as <file>.svg). */
  svg: Record<string, string>;
}

export interface Preset {
  name: string;
  /** One sentence: what it runs and what it shows (listed by `flatmin presets` and in the README). */
  description: string;
  run(options?: PresetOptions): Promise<PresetOutput>;
}
