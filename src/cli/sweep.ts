import { FlatminError } from '../errors.js';

/** `flatmin sweep …` (placeholder until the sweep module lands). */
export async function sweepCommand(_argv: string[]): Promise<number> {
  throw new FlatminError('USAGE', 'sweep', 'not available in this build');
}
