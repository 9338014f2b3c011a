/** Small DOM helpers. Text from the cache is only ever set with `textContent`, never as HTML. */

const SVG = 'http://www.w3.org/2000/svg';

/** The element with this id (the page has it). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** An HTML element with text and a class. */
export function el(tag: string, text?: string | number, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className !== undefined) node.className = className;
  return node;
}

/** An SVG element with attributes, and text when given. */
export function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}
