/** One column of a data table: its header, and a class on its <col> that sets its width. */
export interface Column {
  label: string;
  /** Class of the column's <col> (a fixed-layout table sizes columns from these). */
  col?: string;
  /** Figures: right-aligned like the cells below. */
  num?: boolean;
  title?: string;
  /** Read to screen readers only (an actions column). */
  hidden?: boolean;
}

/** The <colgroup> (when some column has a width class) and <thead> of a `.table`. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <>
      {columns.some((c) => c.col) ? (
        <colgroup>
          {columns.map((c) => (
            <col key={c.label} className={c.col} />
          ))}
        </colgroup>
      ) : null}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.label} scope="col" className={c.num ? 'num' : undefined} title={c.title}>
              {c.hidden ? <span className="visually-hidden">{c.label}</span> : c.label}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}
