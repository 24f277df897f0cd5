// Fitting the big screen to the projector: never a scrollbar. A step that is too tall is scaled
// down (CSS zoom, which scales the viewport-relative type too) down to a legible floor; a wall
// of many items (open contributions, statements) that is still too tall is shown a page at a
// time instead, and the pages turn by themselves.

/** Whether the page is taller than the window . */
export function overflowing() {
  return document.documentElement.scrollHeight > window.innerHeight;
}

/**
 * Scale `node` down until the page fits the window, but not below `min`. Returns the zoom
 * used, or null when the page does not fit even at `min` (`node` is then left at `min`).
 */
export function shrinkToFit(node, min) {
  node.style.zoom = "";
  if (!overflowing()) return 1;
  node.style.zoom = String(min);
  if (overflowing()) return null;
  let fits = min;
  let low = min;
  let high = 1;
  for (let round = 0; round < 7; round += 1) {
    const middle = (low + high) / 2;
    node.style.zoom = String(middle);
    if (overflowing()) {
      high = middle;
    } else {
      low = middle;
      fits = middle;
    }
  }
  node.style.zoom = String(fits);
  return fits;
}

/**
 * Split `items` (elements in document order) into pages that each fit the window on their
 * own: every page holds at least one item. `showOnly(set)` makes only the items of `set` (and
 * what surrounds them) visible. Returns the pages as arrays of items.
 */
export function paginate(items, showOnly) {
  const pages = [];
  let page = [];
  for (const item of items) {
    showOnly(new Set([...page, item]));
    if (page.length && overflowing()) {
      pages.push(page);
      page = [item];
    } else {
      page.push(item);
    }
  }
  if (page.length) pages.push(page);
  return pages;
}

/** Items of `items` visible or hidden by `visible`; containers left with none are hidden. */
export function showItems(items, visible, containers) {
  for (const item of items) item.hidden = !visible.has(item);
  for (const box of containers) {
    box.hidden = ![...box.querySelectorAll("li")].some((item) => visible.has(item));
  }
}
