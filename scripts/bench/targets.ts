import { percentile } from './stats';

/** One measured figure and the target it is held to (none: reported only). */
export interface TargetRow {
  name: string;
  samples: number;
  p50: number;
  p99: number;
  unit: string;
  /** The p99 must stay below this. */
  maxP99?: number;
}

/** A row from raw samples. */
export function rowOf(name: string, values: number[], unit: string, maxP99?: number): TargetRow {
  return {
    name,
    samples: values.length,
    p50: percentile(values, 0.5),
    p99: percentile(values, 0.99),
    unit,
    ...(maxP99 !== undefined ? { maxP99 } : {}),
  };
}

const COLUMNS: [string, number][] = [
  ['measure', 52],
  ['samples', 9],
  ['p50', 10],
  ['p99', 10],
  ['target p99', 12],
  ['met', 6],
];

/** The same padded layout as report.ts, with the target and whether it is met. */
export function printTargets(title: string, rows: TargetRow[]): void {
  console.log(`\n${title}`);
  console.log(
    COLUMNS.map(([name, width], i) => (i ? name.padStart(width) : name.padEnd(width))).join(''),
  );
  for (const row of rows) {
    const cells = [
      row.name,
      String(row.samples),
      `${row.p50.toFixed(2)}`,
      `${row.p99.toFixed(2)}`,
      row.maxP99 === undefined ? '-' : `< ${row.maxP99} ${row.unit}`,
      row.maxP99 === undefined ? '-' : row.p99 < row.maxP99 ? 'yes' : 'NO',
    ];
    console.log(
      cells
        .map((cell, i) => {
          const width = COLUMNS[i]?.[1] ?? 0;
          return i ? cell.padStart(width) : `${cell} (${row.unit})`.padEnd(width);
        })
        .join(''),
    );
  }
}
