// Hash routes (#/ledger): the hub serves one index.html, and reloads keep the page.

export const PAGES = [
  { path: 'training', title: 'Training' },
  { path: 'ledger', title: 'Ledger' },
  { path: 'network', title: 'Network' },
  { path: 'collaborations', title: 'Collaborations' },
  { path: 'decisions', title: 'Decisions' },
  { path: 'privacy', title: 'Privacy' },
  { path: 'planner', title: 'Planner' },
] as const;

export type PagePath = (typeof PAGES)[number]['path'];

export function currentPage(): PagePath {
  const path = location.hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.path === path)?.path ?? 'training';
}
