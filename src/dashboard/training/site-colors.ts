// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and dark
// enough on white for lines and markers.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8B6D00', '#56B4E9', '#000000'];

export function siteColor(sites: readonly string[], site: string): string {
  const i = [...sites].sort().indexOf(site);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]!;
}
