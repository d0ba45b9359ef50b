/**
 * Country facts a country-only database does not carry: the continent and an approximate centre
 * (the World Factbook's "geographic coordinates" of each country, whole or half degrees), used for
 * `*.geo.continent_code`, for `*.geo.location` when the database has no coordinates, and for the
 * distance of impossible travel. Names come from the runtime's ICU (Intl.DisplayNames, English).
 */

export interface CountryFacts {
  readonly continent: string;
  readonly lat: number;
  readonly lon: number;
}

// ISO 3166-1 alpha-2, continent, latitude, longitude; one country per `;`.
const TABLE =
  'AD,EU,42.5,1.5;AE,AS,24,54;AF,AS,33,65;AG,NA,17.05,-61.8;AI,NA,18.25,-63.17;AL,EU,41,20;AM,AS,40,45;AO,AF,-12.5,18.5;' +
  'AQ,AN,-90,0;AR,SA,-34,-64;AS,OC,-14.33,-170;AT,EU,47.33,13.33;AU,OC,-27,133;AW,NA,12.5,-69.97;AX,EU,60.12,19.9;AZ,AS,40.5,47.5;' +
  'BA,EU,44,18;BB,NA,13.17,-59.53;BD,AS,24,90;BE,EU,50.83,4;BF,AF,13,-2;BG,EU,43,25;BH,AS,26,50.55;BI,AF,-3.5,30;BJ,AF,9.5,2.25;' +
  'BL,NA,17.9,-62.83;BM,NA,32.33,-64.75;BN,AS,4.5,114.67;BO,SA,-17,-65;BQ,NA,12.18,-68.25;BR,SA,-10,-55;BS,NA,24.25,-76;BT,AS,27.5,90.5;' +
  'BW,AF,-22,24;BY,EU,53,28;BZ,NA,17.25,-88.75;CA,NA,60,-95;CC,AS,-12.5,96.83;CD,AF,0,25;CF,AF,7,21;CG,AF,-1,15;CH,EU,47,8;' +
  'CI,AF,8,-5;CK,OC,-21.23,-159.77;CL,SA,-30,-71;CM,AF,6,12;CN,AS,35,105;CO,SA,4,-72;CR,NA,10,-84;CU,NA,21.5,-80;CV,AF,16,-24;' +
  'CW,NA,12.17,-69;CX,AS,-10.5,105.67;CY,AS,35,33;CZ,EU,49.75,15.5;DE,EU,51,9;DJ,AF,11.5,43;DK,EU,56,10;DM,NA,15.42,-61.33;' +
  'DO,NA,19,-70.67;DZ,AF,28,3;EC,SA,-2,-77.5;EE,EU,59,26;EG,AF,27,30;EH,AF,24.5,-13;ER,AF,15,39;ES,EU,40,-4;ET,AF,8,38;FI,EU,64,26;' +
  'FJ,OC,-18,175;FK,SA,-51.75,-59;FM,OC,6.92,158.25;FO,EU,62,-7;FR,EU,46,2;GA,AF,-1,11.75;GB,EU,54,-2;GD,NA,12.12,-61.67;GE,AS,42,43.5;' +
  'GF,SA,4,-53;GG,EU,49.47,-2.58;GH,AF,8,-2;GI,EU,36.13,-5.35;GL,NA,72,-40;GM,AF,13.47,-16.57;GN,AF,11,-10;GP,NA,16.25,-61.58;' +
  'GQ,AF,2,10;GR,EU,39,22;GS,AN,-54.5,-37;GT,NA,15.5,-90.25;GU,OC,13.47,144.78;GW,AF,12,-15;GY,SA,5,-59;HK,AS,22.25,114.17;' +
  'HN,NA,15,-86.5;HR,EU,45.17,15.5;HT,NA,19,-72.42;HU,EU,47,20;ID,AS,-5,120;IE,EU,53,-8;IL,AS,31.5,34.75;IM,EU,54.25,-4.5;' +
  'IN,AS,20,77;IO,AS,-6,71.5;IQ,AS,33,44;IR,AS,32,53;IS,EU,65,-18;IT,EU,42.83,12.83;JE,EU,49.25,-2.17;JM,NA,18.25,-77.5;JO,AS,31,36;' +
  'JP,AS,36,138;KE,AF,1,38;KG,AS,41,75;KH,AS,13,105;KI,OC,1.42,173;KM,AF,-12.17,44.25;KN,NA,17.33,-62.75;KP,AS,40,127;KR,AS,37,127.5;' +
  'KW,AS,29.5,45.75;KY,NA,19.5,-80.5;KZ,AS,48,68;LA,AS,18,105;LB,AS,33.83,35.83;LC,NA,13.88,-60.97;LI,EU,47.27,9.53;LK,AS,7,81;' +
  'LR,AF,6.5,-9.5;LS,AF,-29.5,28.5;LT,EU,56,24;LU,EU,49.75,6.17;LV,EU,57,25;LY,AF,25,17;MA,AF,32,-5;MC,EU,43.73,7.4;MD,EU,47,29;' +
  'ME,EU,42.5,19.3;MF,NA,18.08,-63.95;MG,AF,-20,47;MH,OC,9,168;MK,EU,41.83,22;ML,AF,17,-4;MM,AS,22,98;MN,AS,46,105;MO,AS,22.17,113.55;' +
  'MP,OC,15.2,145.75;MQ,NA,14.67,-61;MR,AF,20,-12;MS,NA,16.75,-62.2;MT,EU,35.83,14.58;MU,AF,-20.28,57.55;MV,AS,3.25,73;MW,AF,-13.5,34;' +
  'MX,NA,23,-102;MY,AS,2.5,112.5;MZ,AF,-18.25,35;NA,AF,-22,17;NC,OC,-21.5,165.5;NE,AF,16,8;NF,OC,-29.03,167.95;NG,AF,10,8;' +
  'NI,NA,13,-85;NL,EU,52.5,5.75;NO,EU,62,10;NP,AS,28,84;NR,OC,-0.53,166.92;NU,OC,-19.03,-169.87;NZ,OC,-41,174;OM,AS,21,57;' +
  'PA,NA,9,-80;PE,SA,-10,-76;PF,OC,-15,-140;PG,OC,-6,147;PH,AS,13,122;PK,AS,30,70;PL,EU,52,20;PM,NA,46.83,-56.33;PN,OC,-25.07,-130.1;' +
  'PR,NA,18.25,-66.5;PS,AS,32,35.25;PT,EU,39.5,-8;PW,OC,7.5,134.5;PY,SA,-23,-58;QA,AS,25.5,51.25;RE,AF,-21.1,55.6;RO,EU,46,25;' +
  'RS,EU,44,21;RU,EU,60,100;RW,AF,-2,30;SA,AS,25,45;SB,OC,-8,159;SC,AF,-4.58,55.67;SD,AF,15,30;SE,EU,62,15;SG,AS,1.37,103.8;' +
  'SH,AF,-15.93,-5.7;SI,EU,46.12,14.82;SJ,EU,78,20;SK,EU,48.67,19.5;SL,AF,8.5,-11.5;SM,EU,43.77,12.42;SN,AF,14,-14;SO,AF,10,49;' +
  'SR,SA,4,-56;SS,AF,8,30;ST,AF,1,7;SV,NA,13.83,-88.92;SX,NA,18.03,-63.05;SY,AS,35,38;SZ,AF,-26.5,31.5;TC,NA,21.75,-71.58;TD,AF,15,19;' +
  'TF,AN,-49.25,69.17;TG,AF,8,1.17;TH,AS,15,100;TJ,AS,39,71;TK,OC,-9,-172;TL,AS,-8.83,125.92;TM,AS,40,60;TN,AF,34,9;TO,OC,-20,-175;' +
  'TR,AS,39,35;TT,NA,11,-61;TV,OC,-8,178;TW,AS,23.5,121;TZ,AF,-6,35;UA,EU,49,32;UG,AF,1,32;UM,OC,19.28,166.6;US,NA,38,-97;' +
  'UY,SA,-33,-56;UZ,AS,41,64;VA,EU,41.9,12.45;VC,NA,13.25,-61.2;VE,SA,8,-66;VG,NA,18.5,-64.5;VI,NA,18.34,-64.93;VN,AS,16.17,107.83;' +
  'VU,OC,-16,167;WF,OC,-13.3,-176.2;WS,OC,-13.58,-172.33;XK,EU,42.58,21;YE,AS,15,48;YT,AF,-12.83,45.17;ZA,AF,-29,24;ZM,AF,-15,30;' +
  'ZW,AF,-20,30';

const FACTS = new Map<string, CountryFacts>(
  TABLE.split(';').map((entry) => {
    const [code, continent, lat, lon] = entry.split(',') as [string, string, string, string];
    return [code, { continent, lat: Number(lat), lon: Number(lon) }];
  }),
);

/** Continent and centre of an ISO 3166-1 alpha-2 code; undefined for codes not in the table. */
export function countryFacts(code: string): CountryFacts | undefined {
  return FACTS.get(code);
}

/** Every code in the table (tests check each has an English name). */
export function countryCodes(): IterableIterator<string> {
  return FACTS.keys();
}

const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const nameCache = new Map<string, string | undefined>();

/** English name of a country code, e.g. `BR` → `Brazil`; undefined when ICU does not know it. */
export function countryName(code: string): string | undefined {
  if (nameCache.has(code)) return nameCache.get(code);
  let name: string | undefined;
  try {
    name = /^[A-Z]{2}$/.test(code) ? names.of(code) : undefined;
  } catch {
    name = undefined;
  }
  // Bounded: ISO codes are at most 26 × 26.
  if (nameCache.size < 1024) nameCache.set(code, name);
  return name;
}

const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

/** Great-circle distance between two points (haversine), in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RADIANS;
  const dLon = (lon2 - lon1) * RADIANS;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
