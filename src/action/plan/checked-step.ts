// The step as the plan-time checks read it (CheckedStep): the same shape whether it comes from a parsed
// sites file (buildPlan) or from what is sound of a file that failed the schema (the salvage). Types only.

import type { SalvagedStep } from '../sites-file/salvage.js';

/**
 * A step as the plan-time checks read it: its label, whether it runs SSM (it then needs a region), the
 * document and parameters to check against the bundled definitions (absent: not checked), and its
 * place. The same shape whether it comes from a parsed file (buildPlan) or a salvaged one.
 */
export interface CheckedStep extends SalvagedStep {
  /** 0-based position in the site's `steps`. */
  position: number;
}
