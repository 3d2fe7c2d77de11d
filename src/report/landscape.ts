import {
  interpolate, linspace, normalizedDirection, pcaTrajectory, rangeAround, slice1D, slice2D, type Grid2D,
} from '../diagnostics/landscape.js';
import type { ResultSurface } from '../models/surface.js';
import { toCsv } from './csv.js';
import { renderHeatmap } from './heatmap.js';
import { renderLinePlot } from './svg.js';

/**
 * The loss-landscape pictures and tables of a result (`flatmin landscape`, the demo):
 *   landscape-1d     f(θ* + α d₁), α ∈ [−1, 1]
 *   landscape-2d     f(θ* + α d₁ + β d₂) on [−1, 1]², contour plot
 *   trajectory       with diagnostics.trajectory: the recorded iterates on their top-2 PCA plane, over that plane's slice
 *   interpolation    with a second result: f((1 − t) θ*_A + t θ*_B), t ∈ [−0.5, 1.5], on the first one's objective
 * Directions are seeded by the result's config seed, so the same result draws the same pictures.
 */
export function landscapeFiles(a: ResultSurface, b: ResultSurface | undefined, o: { points1D?: number; points2D?: number } = {}): { files: Record<string, string>; summary: string } {
  const { surface, final, seed } = a;
  const n1 = o.points1D ?? 41;
  const n2 = o.points2D ?? 31;
  const files: Record<string, string> = {};
  const lines: string[] = [`loss at the final iterate: ${surface.loss(final).toExponential(4)}`];
  const d1 = normalizedDirection(final, surface.blocks, seed, 1);
  const d2 = normalizedDirection(final, surface.blocks, seed, 2);
  const alphas = linspace(-1, 1, n1);
  const line = slice1D(surface, final, d1, alphas);
  files['landscape-1d.csv'] = toCsv(['alpha', 'loss'], alphas.map((x, i) => [x, line[i]]));
  files['landscape-1d.svg'] = renderLinePlot({
    title: '1D slice of the training loss along a normalized random direction', xLabel: 'α (θ* + α d, d rescaled block by block to θ*)', yLabel: 'loss',
    logY: line.every((v) => v > 0), series: [{ name: 'loss', x: alphas, y: line }],
  });
  const grid = slice2D(surface, final, d1, d2, linspace(-1, 1, n2), linspace(-1, 1, n2));
  files['landscape-2d.csv'] = gridCsv(grid);
  files['landscape-2d.svg'] = renderHeatmap({
    title: '2D slice of the training loss (normalized random directions)', xLabel: 'α (direction 1)', yLabel: 'β (direction 2)',
    ...grid, logZ: grid.z.flat().every((v) => v > 0), points: [{ label: 'θ*', x: 0, y: 0 }],
  });
  lines.push(`2D slice: loss ${Math.min(...grid.z.flat()).toExponential(3)} … ${Math.max(...grid.z.flat()).toExponential(3)} on [−1, 1]²`);
  if (a.trajectory && a.trajectory.thetas.length >= 2) {
    const pca = pcaTrajectory(a.trajectory.thetas, final);
    const [xlo, xhi] = rangeAround(pca.x);
    const [ylo, yhi] = rangeAround(pca.y);
    const g = slice2D(surface, final, pca.directions[0], pca.directions[1], linspace(xlo, xhi, n2), linspace(ylo, yhi, n2));
    files['trajectory.csv'] = toCsv(['step', 'pc1', 'pc2', 'loss'], a.trajectory.steps.map((s, i) => [s, pca.x[i], pca.y[i], surface.loss(a.trajectory!.thetas[i])]));
    files['trajectory-2d.csv'] = gridCsv(g);
    files['trajectory.svg'] = renderHeatmap({
      title: `The trajectory on its top-2 PCA directions (${(100 * pca.explained[0]).toFixed(1)}% + ${(100 * pca.explained[1]).toFixed(1)}% of its variance)`,
      xLabel: 'PC 1', yLabel: 'PC 2', ...g, logZ: g.z.flat().every((v) => v > 0),
      paths: [{ name: 'trajectory', x: pca.x, y: pca.y }], points: [{ label: 'θ*', x: 0, y: 0 }],
    });
    lines.push(`trajectory: ${a.trajectory.thetas.length} iterates; top-2 PCA directions explain ${(100 * pca.explained[0]).toFixed(1)}% and ${(100 * pca.explained[1]).toFixed(1)}%`);
  }
  if (b) {
    const ts = linspace(-0.5, 1.5, n1);
    const path = interpolate(surface, final, b.final, ts);
    files['interpolation.csv'] = toCsv(['t', 'loss'], ts.map((t, i) => [t, path[i]]));
    files['interpolation.svg'] = renderLinePlot({
      title: 'Training loss on the line between the two final iterates', xLabel: 't ((1 − t) θ*_A + t θ*_B)', yLabel: 'loss',
      logY: path.every((v) => v > 0), series: [{ name: 'loss', x: ts, y: path }],
    });
    const mid = Math.max(...path.filter((_, i) => ts[i] >= 0 && ts[i] <= 1));
    lines.push(`interpolation: loss ${path[ts.indexOf(0)]?.toExponential(3) ?? surface.loss(final).toExponential(3)} at A, ${surface.loss(b.final).toExponential(3)} at B, at most ${mid.toExponential(3)} between`);
  }
  return { files, summary: lines.join('\n') };
}

function gridCsv(g: Grid2D): string {
  return toCsv(['x', 'y', 'loss'], g.y.flatMap((y, j) => g.x.map((x, i) => [x, y, g.z[j][i]])));
}
