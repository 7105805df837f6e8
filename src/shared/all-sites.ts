// The word `all`: the site input and the relay's /clear-cache both read it as every site, so neither
// the sites file nor the relay's SITES may name a site so. Shared by the action and the relay. Pure.

/** The word that asks for every site. */
export const ALL_SITES = 'all';
