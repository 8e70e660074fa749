// Stands in for `fast-formula-parser` in the browser bundle (next.config.mjs aliases it). react-spreadsheet
// imports that parser at module load (≈ 300 kB, ~0.1 s to evaluate) to evaluate `=…` cells, but Cellar's
// cells are typed values, never formulas: the grid's viewer shows the stored value, and copy/paste and
// edits go through Cellar's own code. So text that starts with "=" is shown as typed and nothing is evaluated.

export class FormulaError {
  static readonly REF = new FormulaError('#REF!');
  static readonly VALUE = new FormulaError('#VALUE!');
  static readonly NAME = new FormulaError('#NAME?');
  static readonly NA = new FormulaError('#N/A');
  static readonly DIV0 = new FormulaError('#DIV/0!');
  constructor(private readonly error: string) {}
  toString(): string {
    return this.error;
  }
}

/** Finds a formula's references: none. */
export class DepParser {
  parse(): [] {
    return [];
  }
}

/** Evaluates a formula: never (the cell shows its stored text). */
export default class FormulaParser {
  constructor(_config?: unknown) {
    void _config;
  }
  parse(): null {
    return null;
  }
}
