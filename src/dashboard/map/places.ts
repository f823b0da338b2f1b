// Where nodes are. Identity cards carry no location yet, so the demo's nodes are placed from
// this table (the hospitals of the UCI Heart Disease data, the hub at Geneva); any other node is
// drawn at the centre of its jurisdiction's country.

/** [longitude, latitude] by node name. */
export const KNOWN_PLACES: Record<string, [number, number]> = {
  cleveland: [-81.62, 41.5],
  hungary: [19.04, 47.5],
  switzerland: [8.55, 47.37],
  'long-beach': [-118.19, 33.77],
  hub: [6.14, 46.2],
};

/** ISO 3166-1 alpha-2 → numeric (the ids of world-atlas's countries), for common members. */
export const COUNTRY_NUMBER: Record<string, string> = {
  AT: '040',
  AU: '036',
  BE: '056',
  BR: '076',
  CA: '124',
  CH: '756',
  CN: '156',
  CZ: '203',
  DE: '276',
  DK: '208',
  ES: '724',
  FI: '246',
  FR: '250',
  GB: '826',
  HU: '348',
  IE: '372',
  IN: '356',
  IT: '380',
  JP: '392',
  KR: '410',
  MX: '484',
  NL: '528',
  NO: '578',
  PL: '616',
  PT: '620',
  RU: '643',
  SE: '752',
  TR: '792',
  US: '840',
  ZA: '710',
};
