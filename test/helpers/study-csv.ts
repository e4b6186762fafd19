/**
 * Synthetic files in the study's CSV format (lambda,alpha0,alpha1,alpha2,iteration;
 * 11 λ × 6 runs × 100 records), seeded: a stand-in for the study's five files,
 * which are not in this repository. Collapse follows a logistic curve in λ
 * whose midpoint is `lambda50`; a collapsing α decays to 0 at a random record.
 */
import { Rng } from '../../src/shared/random'

export function studyCsv(seed: number, lambda50 = 0.025, slope = 150, records = 100): string {
  const rng = new Rng(seed)
  const lines = ['lambda,alpha0,alpha1,alpha2,iteration']
  for (let l = 0; l <= 10; l++) {
    const lambda = Math.round(l * 5) / 1000
    for (let it = 0; it < 6; it++) {
      const shift = (rng.next() - 0.5) * 1.5
      const alphas = [0, 1, 2].map(() => {
        const start = Math.floor(rng.next() * 20) * 0.05
        const p = 1 / (1 + Math.exp(-(slope * (lambda - lambda50) + shift)))
        const collapses = rng.next() < p
        const at = 5 + Math.floor(rng.next() * (records - 10))
        const end = collapses ? 0 : 0.1 + 0.8 * rng.next()
        return Array.from({ length: records }, (_, k) => (k >= at ? end : start + ((end - start) * k) / at))
      })
      for (let k = 0; k < records; k++) lines.push(`${lambda},${alphas.map((a) => a[k].toFixed(6)).join(',')},${it}`)
    }
  }
  return lines.join('\n') + '\n'
}
