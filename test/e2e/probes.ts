/**
 * Browser-side probes for the end-to-end test, as source text for
 * page.evaluate (this test compiles without the DOM library).
 */

/**
 * Saturated pixels in the chart canvas inside the element matched by
 * `selector`: axes, grid and labels are grey, so only drawn series count.
 */
export function colouredPixels(selector: string): string {
  return `(() => {
    const root = document.querySelector(${JSON.stringify(selector)});
    const canvas = root && root.querySelector('canvas');
    if (!canvas) return -1;
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const max = Math.max(data[i], data[i + 1], data[i + 2]);
      const min = Math.min(data[i], data[i + 1], data[i + 2]);
      if (data[i + 3] > 128 && max - min > 60) n++;
    }
    return n;
  })()`
}

/** Height of the scrolling main column, to screenshot a whole view. */
export const MAIN_SCROLL_HEIGHT = `document.getElementById('main').scrollHeight`

/** Texts of the cells of every body row of a table. */
export function tableRows(selector: string): string {
  return `[...document.querySelectorAll(${JSON.stringify(selector + ' tbody tr')})].map((tr) => [...tr.querySelectorAll('td, th')].map((c) => c.textContent.trim()))`
}
