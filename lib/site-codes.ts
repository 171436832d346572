import type { SiteOption } from "./sites";

/**
 * A site label's code as a scanner or a person types it: spaces around it, lower case, the Code 39 start and
 * stop characters (`*`) some scanners pass on. Returns it in the form labels carry.
 */
export function normaliseSiteCode(typed: string): string {
  return typed
    .trim()
    .replace(/^\*+|\*+$/g, "")
    .trim()
    .toUpperCase();
}

/** The site whose label code is what was typed or scanned, if any. */
export function siteByCode<S extends Pick<SiteOption, "code">>(sites: readonly S[], typed: string): S | undefined {
  const code = normaliseSiteCode(typed);
  return code ? sites.find((site) => site.code === code) : undefined;
}
