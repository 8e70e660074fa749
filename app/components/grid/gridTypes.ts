// Positions the grid reports to the page: sheet (view) indexes, never react-spreadsheet's window indexes.
export interface ActiveCell {
  rowId: string;
  colId: string;
  row: number;
  col: number;
}

export interface GridSelection {
  /** Display indexes, inclusive. */
  top: number;
  bottom: number;
  left: number;
  right: number;
}
