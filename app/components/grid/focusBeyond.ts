// Moving keyboard focus out of a widget to the page's next (or previous) control, as Tab would from the
// widget's edge. The grid keeps Tab for moving between cells, so without this a keyboard user could not
// leave it (WCAG 2.1.2, "no keyboard trap"): Tab past its last column leaves forward, Shift+Tab before its
// first column backward.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Focuses the first focusable element after `widget` (or the last before it); with none, focus leaves the page's controls. */
export function focusBeyond(widget: Element, direction: 'forward' | 'backward'): void {
  const candidates = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => !widget.contains(element) && isShown(element));
  const after = (element: Element) => (widget.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  const target = direction === 'forward' ? candidates.find(after) : candidates.filter((element) => !after(element)).at(-1);
  if (target) target.focus();
  else (document.activeElement as HTMLElement | null)?.blur();
}

function isShown(element: HTMLElement): boolean {
  return element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
}
