/** The cookie in which the browser reports its IANA time zone, so server-rendered moments match the browser's. */
export const TIME_ZONE_COOKIE = "tz";
