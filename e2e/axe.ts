// axe-core in the browser flows: the WCAG 2.2 AA rules, and what a page breaks of them that is
// serious or critical, one readable line per rule with the elements (an empty list passes).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** Every page is checked in each of these: light and dark, phone and desktop. */
export const LOOKS = [
  { theme: 'light', width: 'phone', viewport: { width: 390, height: 844 } },
  { theme: 'light', width: 'desktop', viewport: { width: 1280, height: 800 } },
  { theme: 'dark', width: 'phone', viewport: { width: 390, height: 844 } },
  { theme: 'dark', width: 'desktop', viewport: { width: 1280, height: 800 } },
] as const;

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) ${v.help}\n` +
        v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n'),
    );
}
